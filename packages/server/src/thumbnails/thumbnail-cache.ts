/**
 * Thumbnails on disk: the same DiskCache as originals (storage/disk-cache.ts:
 * LRU under a byte cap, expiry by age, one shared fill per key — so identical
 * concurrent requests run ONE ffmpeg), with ffmpeg as the "storage" a miss
 * reads from. Its cap is a share of SLUICE_CACHE_MAX and its age
 * SLUICE_CACHE_TTL (docs/configuration.md).
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DiskCache, type DiskCacheStats } from '../storage/disk-cache.js';
import type { ThumbnailFormat } from './thumbnail-params.js';

/** The share of SLUICE_CACHE_MAX thumbnails may use. */
export const THUMBNAIL_CACHE_SHARE = 0.1;

export interface ThumbnailKey {
  videoId: string;
  /** Changes when the video is encoded again (thumbnail-plan.ts). */
  generation: string;
  rendition: string;
  keyframeTime: number;
  width: number;
  format: ThumbnailFormat;
}

export function thumbnailCacheKey(k: ThumbnailKey): string {
  return `thumbnails/${k.videoId}/${k.generation}/${k.rendition}/${Math.round(k.keyframeTime * 1000)}-${k.width}.${k.format}`;
}

export class ThumbnailCache {
  readonly #cache: DiskCache;

  constructor(options: { dir: string; maxBytes: number; maxAgeSeconds: number }) {
    this.#cache = new DiskCache(options);
  }

  open(): Promise<void> { return this.#cache.open(); }
  close(): Promise<void> { return this.#cache.close(); }
  stats(): DiskCacheStats { return this.#cache.stats(); }

  /** The bytes of `key`, drawn by `draw()` on a miss (concurrent misses of one key share one draw). */
  async get(key: string, draw: () => Promise<Readable>): Promise<Buffer> {
    const lease = await this.#cache.acquire({ get: draw }, key);
    try {
      return await readFile(lease.path);
    } finally {
      lease.release();
    }
  }
}
