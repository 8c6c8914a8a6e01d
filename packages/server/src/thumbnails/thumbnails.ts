/** The thumbnail service buildApp() wires: a generator (bounded ffmpeg runs) behind a bounded disk cache. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SluiceConfig } from '../config.js';
import type { DiskCacheStats } from '../storage/disk-cache.js';
import type { Storage } from '../storage/storage.js';
import { THUMBNAIL_CACHE_SHARE, ThumbnailCache } from './thumbnail-cache.js';
import { ThumbnailGenerator } from './thumbnail-generator.js';

export interface ThumbnailStats extends DiskCacheStats {
  /** ffmpeg runs started since the server started. */
  runs: number;
  running: number;
  waiting: number;
}

export class Thumbnails {
  readonly cache: ThumbnailCache;
  readonly generator: ThumbnailGenerator;
  readonly #workDir: string;

  /** Files under `scratch`/thumbnails (the cache) and `scratch`/thumbnails-work (ffmpeg's output). */
  constructor(config: SluiceConfig, storage: Pick<Storage, 'get'>, scratch: string) {
    this.cache = new ThumbnailCache({
      dir: join(scratch, 'thumbnails'),
      maxBytes: Math.floor(config.cacheMaxBytes * THUMBNAIL_CACHE_SHARE),
      maxAgeSeconds: config.cacheTtlSeconds,
    });
    this.#workDir = join(scratch, 'thumbnails-work');
    this.generator = new ThumbnailGenerator({
      ffmpegPath: config.ffmpegPath, storage, workDir: this.#workDir, stallSeconds: Math.min(config.stallSeconds, 20),
    });
  }

  /** Opens the cache; ffmpeg outputs a crash left behind are removed (none is in flight before open). */
  async open(): Promise<void> {
    await rm(this.#workDir, { recursive: true, force: true });
    await this.cache.open();
  }
  close(): Promise<void> { return this.cache.close(); }

  stats(): ThumbnailStats {
    const g = this.generator;
    return { ...this.cache.stats(), runs: g.runs, running: g.running, waiting: g.waiting };
  }
}
