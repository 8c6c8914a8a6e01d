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

/** Where a video's bytes sit while it is transcoded: decided once per store, from the backend. */
interface Placement {
  openOriginal(id: string): Promise<{ path: string; release(): void }>;
  outDir(id: string): string;
  clearMedia(id: string): Promise<void>;
  publisher(id: string): MediaPublisher;
  dropStaging(id: string): Promise<void>;
}

/** Local disk: the original is already a file, and ffmpeg writes into the served folder. */
function onDisk(layout: LocalLayout): Placement {
  return {
    openOriginal: async (id) => ({ path: layout.original(id), release: () => undefined }),
    outDir: (id) => layout.mediaDir(id),
    // The pipeline empties outDir itself.
    clearMedia: async () => undefined,
    // The pipeline publishes the served folder atomically.
    publisher: () => ({ sync: async () => true }),
    dropStaging: async () => undefined,
  };
}

/** A bucket: originals through the disk cache, transcodes staged locally and mirrored up as they appear. */
function inBucket(storage: Storage, cache: OriginalCache | undefined, workRoot: string): Placement {
  const outDir = (id: string): string => join(workRoot, id);
  return {
    openOriginal: async (id) => {
      if (!cache) throw new Error('bucket storage needs the original cache');
      return cache.acquire(storage, originalKey(id));
    },
    outDir,
    clearMedia: async (id) => { await storage.deletePrefix(mediaPrefix(id)); },
    publisher: (id) => new DirMirror(storage, outDir(id), mediaPrefix(id)),
    dropStaging: async (id) => { await rm(outDir(id), { recursive: true, force: true }); },
  };
}

export class MediaStore {
  readonly #place: Placement;

  constructor(
    readonly storage: Storage,
    layout: LocalLayout,
    private readonly cache: OriginalCache | undefined,
    workRoot: string,
  ) {
    this.#place = storage.kind === 'local' ? onDisk(layout) : inBucket(storage, cache, workRoot);
  }

  /** The original as a local file, held until release(). */
  openOriginal(id: string): Promise<{ path: string; release(): void }> {
    return this.#place.openOriginal(id);
  }

  /** The folder ffmpeg writes into: the served folder for local disk, a staging folder for buckets. */
  outDir(id: string): string {
    return this.#place.outDir(id);
  }

  /** Clears a previous run's published media (buckets; local outDir is emptied by the pipeline). */
  clearMedia(id: string): Promise<void> {
    return this.#place.clearMedia(id);
  }

  publisher(id: string): MediaPublisher {
    return this.#place.publisher(id);
  }

  /** Removes the staging folder after a bucket transcode. */
  dropStaging(id: string): Promise<void> {
    return this.#place.dropStaging(id);
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

  /** Publishes a small text file (caption tracks and their playlists) under the video's media folder. */
  async writeText(id: string, relative: string, text: string, contentType: string): Promise<void> {
    await this.storage.put(mediaKey(id, relative), Buffer.from(text, 'utf8'), { contentType });
  }

  /** Does a published file exist? */
  async exists(id: string, relative: string): Promise<boolean> {
    return (await this.storage.stat(mediaKey(id, relative))) !== undefined;
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
