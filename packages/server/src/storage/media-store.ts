/**
 * What the rest of the server asks of storage, whatever the backend: the
 * original of a video as a local file (through the disk cache for buckets),
 * a local folder to transcode into, publishing that folder's files as they
 * appear (buckets) and reading published text (playlists, storyboard).
 *
 * Keys: media-keys.ts.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../errors.js';
import { DirMirror } from './dir-mirror.js';
import type { LocalLayout } from './local-layout.js';
import type { Storage } from './storage.js';
import { mediaKey, mediaPrefix, originalKey } from './media-keys.js';

/** The disk cache's part we use (storage/disk-cache.ts). */
export interface OriginalCache {
  acquire(storage: Storage, key: string): Promise<{ path: string; size: number; release(): void }>;
  invalidate(key: string): Promise<void>;
}

/** Publishes a transcode's output folder; for local storage the folder is the destination. */
export interface MediaPublisher {
  /** Uploads what is new (segments before the playlists that list them); resolves true once master.m3u8 is published. */
  sync(): Promise<boolean>;
}

// Kept importable from here for callers written before media-keys.ts.
export { originalKey, mediaKey } from './media-keys.js';

export class MediaStore {
  constructor(
    readonly storage: Storage,
    private readonly layout: LocalLayout,
    private readonly cache: OriginalCache | undefined,
    private readonly workRoot: string,
  ) {}

  get isLocal(): boolean {
    return this.storage.kind === 'local';
  }

  /** The original as a local file, held until release(). */
  async openOriginal(id: string): Promise<{ path: string; release(): void }> {
    if (this.isLocal) return { path: this.layout.original(id), release: () => undefined };
    if (!this.cache) throw new Error('bucket storage needs the original cache');
    return this.cache.acquire(this.storage, originalKey(id));
  }

  /** The folder ffmpeg writes into: the served folder for local disk, a staging folder for buckets. */
  outDir(id: string): string {
    return this.isLocal ? this.layout.mediaDir(id) : join(this.workRoot, id);
  }

  /** Clears a previous run's published media (buckets; local outDir is emptied by the pipeline). */
  async clearMedia(id: string): Promise<void> {
    if (!this.isLocal) await this.storage.deletePrefix(mediaPrefix(id));
  }

  publisher(id: string): MediaPublisher {
    // Local: ffmpeg already writes into the served folder, which the pipeline publishes atomically.
    if (this.isLocal) return { sync: async () => true };
    return new DirMirror(this.storage, this.outDir(id), mediaPrefix(id));
  }

  /** Removes the staging folder after a bucket transcode. */
  async dropStaging(id: string): Promise<void> {
    if (!this.isLocal) await rm(this.outDir(id), { recursive: true, force: true });
  }

  /** A published text file (playlist, storyboard track). */
  async readText(id: string, relative: string): Promise<string> {
    try {
      const chunks: Buffer[] = [];
      for await (const c of await this.storage.get(mediaKey(id, relative))) chunks.push(Buffer.from(c as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'SLUICE_ERR_STORAGE_NOT_FOUND') {
        throw new SluiceError('SLUICE_ERR_VIDEO_NOT_READY', 'This file is not published yet; wait until the status document says playable.');
      }
      throw err;
    }
  }

  /** Everything of a video: original (and tus's info beside it), derived media, cached copies. */
  async deleteVideo(id: string): Promise<void> {
    await Promise.all([
      this.storage.deletePrefix(originalKey(id)), // also uploads/<id>.json / .info
      this.storage.deletePrefix(mediaPrefix(id)),
      this.cache?.invalidate(originalKey(id)),
      this.dropStaging(id),
    ]);
  }
}
