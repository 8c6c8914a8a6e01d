/**
 * Mirrors a transcode's staging folder into a bucket while ffmpeg runs, so
 * players can start before the encode ends. Each pass uploads new complete
 * files in an order that never lets a reader see a reference to a missing
 * object: media (segments, init, MP4, images) first, then the media
 * playlists, then the master. ffmpeg renames segments into place when they
 * are complete and playlists are replaced atomically, so a file under its
 * final name is complete; dot-names (.work/, temp files) are skipped.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { contentTypeFor } from './content-types.js';
import type { Storage } from './storage.js';
import { MASTER } from './media-keys.js';

export class DirMirror {
  /** relative path → "mtimeMs:size" last uploaded */
  readonly #uploaded = new Map<string, string>();
  #pass: Promise<boolean> | undefined;
  #again = false;

  constructor(private readonly storage: Storage, private readonly dir: string, private readonly keyPrefix: string) {}

  /** One pass (passes never overlap; a call during a pass runs one more after it). */
  sync(): Promise<boolean> {
    if (this.#pass) { this.#again = true; return this.#pass; }
    this.#pass = (async () => {
      let master = false;
      do {
        this.#again = false;
        master = (await this.#once()) || master;
      } while (this.#again);
      return master;
    })().finally(() => { this.#pass = undefined; });
    return this.#pass;
  }

  async #once(): Promise<boolean> {
    const files = await listFiles(this.dir);
    const rank = (f: string): number => (f === MASTER ? 2 : f.endsWith('.m3u8') ? 1 : 0);
    files.sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
    for (const f of files) {
      const version = `${f.mtimeMs}:${f.size}`;
      if (this.#uploaded.get(f.path) === version) continue;
      await this.storage.put(this.keyPrefix + f.path, createReadStream(join(this.dir, f.path)), {
        contentType: contentTypeFor(f.path),
        cacheControl: f.path.endsWith('.m3u8') ? 'no-store' : 'private, max-age=31536000, immutable',
      });
      this.#uploaded.set(f.path, version);
    }
    return this.#uploaded.has(MASTER);
  }
}

async function listFiles(root: string): Promise<Array<{ path: string; size: number; mtimeMs: number }>> {
  const out: Array<{ path: string; size: number; mtimeMs: number }> = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.name.startsWith('.') || e.name.endsWith('.tmp')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const s = await stat(p).catch(() => undefined);
        if (s) out.push({ path: relative(root, p).split(sep).join('/'), size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk(root);
  return out;
}
