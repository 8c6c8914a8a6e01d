/**
 * GET/HEAD /media/* — signed bytes of transcoded media, Range delivery
 * identical to nginx (docs/delivery.md). Order: path validation (400),
 * signature (403/410, never cached), file lookup (404), then
 * 200/206/304/412/416. Bodies go out on the raw response (reply.hijack()):
 * the @fastify/static path is ~5× slower (FINDINGS.md, "Range delivery").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolve, sep } from 'node:path';
import { SluiceError, errorBody, type ErrorCode } from '../errors.js';
import { hijack } from '../reply-hijack.js';
import type { UrlSigner } from '../signing/url-signer.js';
import { BufferPool } from './buffer-pool.js';
import { FileCache, type CachedFile, type FileCacheOptions } from './file-cache.js';
import { parseMediaPath } from './media-path.js';
import { planResponse } from './response-plan.js';
import { sendFile, type SendContext } from './send-file.js';

export interface MediaRouteOptions {
  signer: UrlSigner;
  /** Directory that /media/<path> maps into. */
  mediaRoot: string;
  /** Descriptor cache tuning (defaults: revalidate every 1 s, files modified < 2 s ago on every request). */
  fileCache?: Omit<FileCacheOptions, 'root'>;
}

export function registerMediaRoute(app: FastifyInstance, options: MediaRouteOptions): void {
  const { signer } = options;
  const mediaRoot = resolve(options.mediaRoot);
  // parseMediaPath leaves no '', '.' or '..' segment: plain concatenation stays inside.
  const rootPrefix = mediaRoot.endsWith(sep) ? mediaRoot : mediaRoot + sep;
  const cache = new FileCache({ ...options.fileCache, root: mediaRoot });
  const pool = new BufferPool();
  const ctx: SendContext = { pool, release: (f) => cache.release(f) };
  app.addHook('onClose', async () => {
    cache.close();
    pool.close();
  });

  const handler = (req: FastifyRequest, reply: FastifyReply): void => {
    const url = req.url;
    const q = url.indexOf('?');
    const media = parseMediaPath(q < 0 ? url : url.slice(0, q));
    if (media === null) return fail(reply, 'SLUICE_ERR_MEDIA_PATH_INVALID');
    const verdict = signer.verify(media.urlPath, req.query as Record<string, unknown>);
    if (verdict === 'invalid') return fail(reply, 'SLUICE_ERR_SIGNATURE_INVALID');
    if (verdict === 'expired') return fail(reply, 'SLUICE_ERR_SIGNATURE_EXPIRED');
    const path = rootPrefix + media.relative;
    const hit = cache.hit(path, Date.now());
    if (hit) return deliver(req, reply, hit);
    cache.open(path).then(
      (file) => (file ? deliver(req, reply, file) : fail(reply, 'SLUICE_ERR_MEDIA_NOT_FOUND')),
      (err: unknown) => reply.send(new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: err })),
    );
  };

  const deliver = (req: FastifyRequest, reply: FastifyReply, file: CachedFile): void => {
    const plan = planResponse(req.headers, file);
    if (!('body' in plan)) {
      cache.release(file);
      if (plan.status === 304) return void reply.code(304).headers(plan.headers).send();
      return fail(reply, plan.status === 412 ? 'SLUICE_ERR_MEDIA_PRECONDITION_FAILED' : 'SLUICE_ERR_RANGE_NOT_SATISFIABLE', plan.headers);
    }
    sendFile(ctx, reply.raw, file, plan, req.method === 'HEAD', {
      begin: () => { hijack(reply); },
      readFailed: (err) => reply.send(new SluiceError('SLUICE_ERR_SERVER_INTERNAL', 'Reading the media file failed.', { cause: err })),
    });
  };

  app.route({ method: ['GET', 'HEAD'], url: '/media/*', logLevel: 'warn', handler });
}

/** A media error: JSON body, never cached (Chromium caches a bare 410). */
export function fail(reply: FastifyReply, code: ErrorCode, headers: Record<string, string> = {}): void {
  const e = new SluiceError(code);
  // 403/410 must not be cached: Chromium caches a bare 410 and its retries never reach us.
  reply.code(e.statusCode).headers({ 'cache-control': 'no-store', ...headers }).send(errorBody(e));
}
