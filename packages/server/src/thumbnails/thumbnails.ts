/** The thumbnail service buildApp() wires: a generator (bounded ffmpeg runs) behind a bounded disk cache. */
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

  /** Files under `scratch`/thumbnails (the cache) and `scratch`/thumbnails-work (ffmpeg's output). */
  constructor(config: SluiceConfig, storage: Pick<Storage, 'get'>, scratch: string) {
    this.cache = new ThumbnailCache({
      dir: join(scratch, 'thumbnails'),
      maxBytes: Math.floor(config.cacheMaxBytes * THUMBNAIL_CACHE_SHARE),
      maxAgeSeconds: config.cacheTtlSeconds,
    });
    this.generator = new ThumbnailGenerator({
      ffmpegPath: config.ffmpegPath, storage, workDir: join(scratch, 'thumbnails-work'), stallSeconds: Math.min(config.stallSeconds, 20),
    });
  }

  open(): Promise<void> { return this.cache.open(); }
  close(): Promise<void> { return this.cache.close(); }

  stats(): ThumbnailStats {
    const g = this.generator;
    return { ...this.cache.stats(), runs: g.runs, running: g.running, waiting: g.waiting };
  }
}
