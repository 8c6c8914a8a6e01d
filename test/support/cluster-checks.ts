/**
 * What the cluster journey checks in the bucket once every video is ready:
 * the original is the uploaded file, byte for byte, and each video's HLS
 * output is one consistent rendition (every listed segment present, none
 * stray, the variant decodes end to end for the whole duration).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StatusDocument } from '../../packages/protocol/src/status-document.js';
import type { ObjectInfo, Storage } from '../../packages/server/src/storage/storage.js';

const run = promisify(execFile);

export async function objectBytes(storage: Storage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.get(key)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** URIs of a playlist (tag attributes URI="…" and plain lines), resolved against `base`. */
export function playlistUrls(text: string, base: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const attr = /URI="([^"]+)"/.exec(line);
    if (attr) out.push(new URL(attr[1]!, base).href);
    else if (line.trim() && !line.startsWith('#')) out.push(new URL(line.trim(), base).href);
  }
  return out;
}

/** `/media/<id>/<path>?exp…` (a signed proxy URL) → the bucket key `media/<id>/<path>`. */
export function mediaKey(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  if (!path.startsWith('/media/')) throw new Error(`not a /media URL: ${url}`);
  return path.slice(1);
}

export interface VariantReport { playlist: string; segments: number; extinfSeconds: number; decodedSeconds: number }
export interface RenditionReport {
  variants: VariantReport[];
  /** Segment/init objects under media/<id>/ that no playlist lists (a second writer's leftovers). */
  stray: string[];
  /** Listed in a playlist but absent from the bucket. */
  missing: string[];
  objects: ObjectInfo[];
}

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.replace(/\?.*/, '')} → ${res.status}`);
  return res.text();
}

/** Reads the master and every variant through the public URLs, then compares with the bucket. */
export async function checkRenditions(storage: Storage, doc: StatusDocument): Promise<RenditionReport> {
  const objects: ObjectInfo[] = [];
  for await (const o of storage.list(`media/${doc.id}/`)) objects.push(o);
  const present = new Set(objects.map((o) => o.key));
  const listed = new Set<string>();
  const variants: VariantReport[] = [];
  const master = await text(doc.hls!);
  const work = mkdtempSync(join(tmpdir(), 'sluice-check-'));
  try {
    for (const variantUrl of playlistUrls(master, doc.hls!)) {
      const media = await text(variantUrl);
      if (!media.includes('#EXT-X-ENDLIST')) throw new Error(`variant ${new URL(variantUrl).pathname} has no ENDLIST`);
      const keys = playlistUrls(media, variantUrl).map(mediaKey);
      for (const k of keys) listed.add(k);
      const extinf = [...media.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
      // init + segments, concatenated as a player appends them, must decode to the whole duration.
      const file = join(work, `${variants.length}.mp4`);
      writeFileSync(file, Buffer.concat(await Promise.all(keys.filter((k) => present.has(k)).map((k) => objectBytes(storage, k)))));
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
      await run('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
      variants.push({ playlist: new URL(variantUrl).pathname, segments: keys.length - 1, extinfSeconds: extinf, decodedSeconds: Number(stdout.trim()) });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const isSegment = (k: string): boolean => k.includes('/hls/') && /\.(m4s|mp4|ts)$/.test(k);
  return {
    variants,
    stray: objects.map((o) => o.key).filter((k) => isSegment(k) && !listed.has(k)),
    missing: [...listed].filter((k) => !present.has(k)),
    objects,
  };
}
