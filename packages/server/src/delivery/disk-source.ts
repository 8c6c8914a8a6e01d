/**
 * /media bytes from local disk: descriptors from the FileCache, bodies
 * written on the raw response (reply.hijack()) from pooled buffers — the
 * @fastify/static path is ~5× slower (FINDINGS.md, "Range delivery").
 * A cache hit is answered synchronously.
 */
import { resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { hijack } from '../reply-hijack.js';
import { BufferPool } from './buffer-pool.js';
import { FileCache, type CachedFile, type FileCacheOptions } from './file-cache.js';
import { fail, sendBodiless } from './media-reply.js';
import type { MediaSource } from './media-source.js';
import { planResponse } from './response-plan.js';
import { sendFile, type SendContext } from './send-file.js';

export interface DiskSourceOptions {
  /** Directory that /media/<path> maps into. */
  mediaRoot: string;
  /** Descriptor cache tuning (defaults: revalidate every 1 s, files modified < 2 s ago on every request). */
  fileCache?: Omit<FileCacheOptions, 'root'>;
  /** The descriptor cache's counts are reported as cache="fd". */
  metrics?: Metrics;
}

export function createDiskSource(options: DiskSourceOptions): MediaSource {
  const mediaRoot = resolve(options.mediaRoot);
  // parseMediaPath leaves no '', '.' or '..' segment: plain concatenation stays inside.
  const rootPrefix = mediaRoot.endsWith(sep) ? mediaRoot : mediaRoot + sep;
  const cache = new FileCache({ ...options.fileCache, root: mediaRoot });
  const pool = new BufferPool();
  options.metrics?.watchCache('fd', () => cache.stats());
  const ctx: SendContext = { pool, release: (f) => cache.release(f) };

  const deliver = (req: FastifyRequest, reply: FastifyReply, file: CachedFile): void => {
    const plan = planResponse(req.headers, file);
    if (!('body' in plan)) {
      cache.release(file);
      return sendBodiless(reply, plan);
    }
    sendFile(ctx, reply.raw, file, plan, req.method === 'HEAD', {
      begin: () => { hijack(reply); },
      readFailed: (err) => reply.send(new SluiceError('SLUICE_ERR_SERVER_INTERNAL', 'Reading the media file failed.', { cause: err })),
    });
  };

  return {
    serve(req, reply, relative) {
      const path = rootPrefix + relative;
      const hit = cache.hit(path, Date.now());
      if (hit) return deliver(req, reply, hit);
      cache.open(path).then(
        (file) => (file ? deliver(req, reply, file) : fail(reply, 'SLUICE_ERR_MEDIA_NOT_FOUND')),
        (err: unknown) => reply.send(new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: err })),
      );
    },
    close() {
      cache.close();
      pool.close();
    },
  };
}
