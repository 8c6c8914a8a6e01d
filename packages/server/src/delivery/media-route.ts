/**
 * GET/HEAD /media/* — signed bytes of transcoded media, Range delivery
 * identical to nginx (docs/delivery.md). Order: path validation (400),
 * signature (403/410, never cached), then the byte source chosen when the
 * app was built (disk-source.ts or bucket-source.ts): lookup (404), then
 * 200/206/304/412/416.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';
import type { UrlSigner } from '../signing/url-signer.js';
import { MEDIA_URL_PREFIX } from '../storage/media-keys.js';
import { createDiskSource, type DiskSourceOptions } from './disk-source.js';
import { fail } from './media-reply.js';
import { mediaSchema } from './media-schemas.js';
import { parseMediaPath } from './media-path.js';
import type { MediaSource } from './media-source.js';

/** A byte source, or a media root on disk (the disk source is then made here). */
export type MediaRouteOptions = { signer: UrlSigner; metrics?: Metrics } & ({ source: MediaSource } | DiskSourceOptions);

export function registerMediaRoute(app: FastifyInstance, options: MediaRouteOptions): void {
  const { signer } = options;
  const source = 'source' in options ? options.source : createDiskSource(options);
  app.addHook('onClose', async () => source.close());

  const handler = (req: FastifyRequest, reply: FastifyReply): void | Promise<void> => {
    const url = req.url;
    const q = url.indexOf('?');
    const media = parseMediaPath(q < 0 ? url : url.slice(0, q));
    if (media === null) return fail(reply, 'SLUICE_ERR_MEDIA_PATH_INVALID');
    const verdict = signer.verify(media.urlPath, req.query as Record<string, unknown>);
    if (verdict === 'invalid') return fail(reply, 'SLUICE_ERR_SIGNATURE_INVALID');
    if (verdict === 'expired') return fail(reply, 'SLUICE_ERR_SIGNATURE_EXPIRED');
    return source.serve(req, reply, media.relative);
  };

  const { metrics } = options;
  // Fastify runs onResponse when the raw response finishes, hijacked ones included (disk and bucket sources write it themselves).
  // A callback hook, not an async one: no promise per request on the hot path.
  const onResponse = metrics && ((req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const body = req.method === 'GET' && (reply.statusCode === 200 || reply.statusCode === 206);
    metrics.mediaRequest(reply.statusCode, req.headers.range !== undefined, body ? Number(reply.getHeader('content-length') ?? 0) : 0);
    done();
  });
  // attachValidation: the schema describes; the signature check (which answers 403) judges the query.
  app.route({ method: ['GET', 'HEAD'], url: `${MEDIA_URL_PREFIX}*`, logLevel: 'warn', schema: mediaSchema, attachValidation: true, handler, ...(onResponse ? { onResponse } : {}) });
}
