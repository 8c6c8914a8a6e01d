/**
 * GET /api/videos/:id/thumbnail.jpg and .webp — `?time=<seconds>&width=<px>`,
 * the keyframe at or before `time` (clamped to the video) drawn from a
 * rendition, served from a bounded disk cache (docs/delivery.md#thumbnails).
 * Auth: a playback token for the video (or admin), as the playlists take it;
 * or a signed URL over the path and the canonical time and width
 * (thumbnail-url.ts), with /media's semantics: bad → 403, expired → 410.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticate, tokenFromRequest } from '../auth/tokens.js';
import { SluiceError, isSluiceError } from '../errors.js';
import type { Services } from '../services.js';
import { HLS_DIR, playlistFile } from '../storage/media-keys.js';
import { posterTime } from '../transcode/poster.js';
import { findVideo } from '../videos/video-routes.js';
import { thumbnailCacheKey } from './thumbnail-cache.js';
import { CONTENT_TYPES, THUMBNAIL_FORMATS, type ThumbnailFormat, type ThumbnailQuery, clampWidth, parseThumbnailQuery } from './thumbnail-params.js';
import { parseMediaPlaylist, pickRendition, planThumbnail } from './thumbnail-plan.js';
import { thumbnailSchema } from './thumbnail-schemas.js';
import { thumbnailSignedPath } from './thumbnail-url.js';
import type { Thumbnails } from './thumbnails.js';

/** Longest a browser keeps a token-authorised thumbnail (never past the token's expiry). */
const TOKEN_MAX_AGE = 3600;
/** Seconds a client should wait after 503 busy / 409 not transcoded that far. */
const BUSY_RETRY = '1';
const NOT_YET_RETRY = '2';

/** Checks the signature or the token; returns how long the answer may be cached, in seconds. */
function authorize(s: Services, req: FastifyRequest, id: string, format: ThumbnailFormat, asked: ThumbnailQuery): number {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  if (tokenFromRequest(req) === undefined && s.signer.isSigned(query)) {
    const verdict = s.signer.verify(thumbnailSignedPath(id, format, asked), query);
    if (verdict === 'invalid') throw new SluiceError('SLUICE_ERR_SIGNATURE_INVALID');
    if (verdict === 'expired') throw new SluiceError('SLUICE_ERR_SIGNATURE_EXPIRED', 'The thumbnail URL has expired; ask the site for a fresh one.');
    return Math.max(0, (s.signer.expiryOf(query) ?? now) - now);
  }
  const auth = authenticate(s.app, req, { aud: ['playback'], videoId: id });
  return Math.max(0, Math.min(TOKEN_MAX_AGE, auth.claims.exp - now));
}

/** RFC 9110 §13.1.2: If-None-Match with weak comparison ("*" or any listed tag). */
function notModified(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function registerThumbnailRoutes(s: Services, thumbnails: Thumbnails): void {
  for (const format of THUMBNAIL_FORMATS) {
    // attachValidation: the schema documents the query; parseThumbnailQuery() and the signature check judge it.
    s.app.get(`/api/videos/:id/thumbnail.${format}`, { schema: thumbnailSchema(format), attachValidation: true }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const asked = parseThumbnailQuery(req.query as Record<string, unknown> | undefined);
      const maxAge = authorize(s, req, id, format, asked);
      const video = await findVideo(s, req);
      if (!video.playable) throw new SluiceError('SLUICE_ERR_VIDEO_NOT_READY');
      const widest = Math.max(0, ...video.renditions.map((r) => r.width));
      const width = clampWidth(asked.width, widest);
      const rendition = pickRendition(video.renditions, width);
      if (!rendition) throw new SluiceError('SLUICE_ERR_THUMBNAIL_NOT_READY', 'The video has no rendition yet.');
      const playlist = parseMediaPlaylist(await s.media.readText(id, playlistFile(rendition.name)));
      const duration = video.duration ?? Infinity;
      const plan = planThumbnail(playlist, asked.time ?? (Number.isFinite(duration) ? posterTime(duration) : 0), duration);
      if (plan === 'not-yet') {
        reply.header('retry-after', NOT_YET_RETRY);
        throw new SluiceError('SLUICE_ERR_THUMBNAIL_NOT_READY');
      }
      const key = thumbnailCacheKey({ videoId: id, generation: plan.generation, rendition: rendition.name, keyframeTime: plan.keyframeTime, width, format });
      let body: Buffer;
      try {
        body = await thumbnails.cache.get(key, () => thumbnails.generator.generate({
          videoId: id, init: `${HLS_DIR}/${plan.init}`, segment: `${HLS_DIR}/${plan.segment}`, cutoff: plan.cutoff, width, format,
        }));
      } catch (err) {
        if (isSluiceError(err) && err.code === 'SLUICE_ERR_THUMBNAIL_BUSY') reply.header('retry-after', BUSY_RETRY);
        throw err;
      }
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      reply
        .header('content-type', CONTENT_TYPES[format])
        .header('cache-control', `private, max-age=${maxAge}`)
        .header('etag', etag)
        .header('content-disposition', 'inline')
        // Which picture this is: the keyframe time actually drawn, and its size.
        .header('sluice-thumbnail-time', plan.keyframeTime.toFixed(3))
        .header('sluice-thumbnail-width', String(width));
      if (notModified(req.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.send(body);
    });
  }
}
