/**
 * What /api/openapi.json says about GET /api/videos/:id/thumbnail.{jpg,webp}
 * (thumbnail-route.ts). The handler reads the query itself
 * (thumbnail-params.ts: 400 SLUICE_ERR_THUMBNAIL_INVALID, a signature check
 * answering 403/410), so the query schema documents those rules and Fastify's
 * validation of it is attached, not enforced (`attachValidation`).
 */
import type { ErrorCode } from '../errors.js';
import { AUTH_ERRORS, VideoIdParams, jwt, noBody, routeSchema, textBody, type JsonSchema } from '../http/schemas.js';
import { CONTENT_TYPES, DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, type ThumbnailFormat } from './thumbnail-params.js';

const str = (description: string): JsonSchema => ({ type: 'string', description });

const ERRORS: readonly ErrorCode[] = [
  ...AUTH_ERRORS, 'SLUICE_ERR_SIGNATURE_INVALID', 'SLUICE_ERR_SIGNATURE_EXPIRED', 'SLUICE_ERR_THUMBNAIL_INVALID', 'SLUICE_ERR_VIDEO_NOT_FOUND',
  'SLUICE_ERR_VIDEO_NOT_READY', 'SLUICE_ERR_THUMBNAIL_NOT_READY', 'SLUICE_ERR_STORAGE_NOT_FOUND', 'SLUICE_ERR_STORAGE_FAILED',
  'SLUICE_ERR_THUMBNAIL_BUSY', 'SLUICE_ERR_THUMBNAIL_FAILED',
];

const PICTURE_HEADERS = {
  'Cache-Control': str('`private, max-age=<seconds>`: the token\'s remaining life, at most 1 h; with a signed URL, until its `exp`.'),
  ETag: str('Strong validator of the picture (`If-None-Match` → 304).'),
  'Content-Disposition': str('`inline`.'),
  'Sluice-Thumbnail-Time': str('The time of the keyframe drawn, seconds with 3 decimals.'),
  'Sluice-Thumbnail-Width': str('The width drawn, pixels (the asked width clamped and made even).'),
};

export function thumbnailSchema(format: ThumbnailFormat): JsonSchema {
  return routeSchema({
    summary: `A ${format === 'jpg' ? 'JPEG' : 'WebP'} thumbnail of a video at a time`,
    description: 'The keyframe at or before `time` (clamped to the video), drawn by ffmpeg from the smallest rendition at least `width` wide, '
      + 'served from a disk cache. Auth: a playback token for the video (or admin), like the playlists; or, without a token, a signed thumbnail URL '
      + '(`?time=&width=&exp=&sig=`, the /media signer and SLUICE_SIGNING format) whose signature covers the path and the time and width, '
      + 'so it cannot be re-used for another picture (`signedThumbnailUrl()` of @sluice/server): bad → 403, expired → 410.',
    tags: ['playback'],
    security: [...jwt('playback'), { signedUrl: [] }],
    params: VideoIdParams,
    querystring: {
      type: 'object',
      properties: {
        time: {
          type: 'string', pattern: '^\\d{1,7}(?:\\.\\d{1,6})?$',
          description: 'Seconds, a plain decimal (`12.5`), once. Absent: the poster time (10 % into the video); past the end: the last keyframe.',
        },
        width: {
          type: 'string', pattern: '^\\d{1,7}$',
          description: `Whole pixels, once. Absent: ${DEFAULT_WIDTH}. Clamped to [${MIN_WIDTH}, ${MAX_WIDTH}] and to the widest rendition, then made even.`,
        },
        exp: str('Signed URL: expiry, unix seconds (SLUICE_SIGNING=hmac, the default).'),
        sig: str('Signed URL: HMAC-SHA256 of the path, time, width and expiry, base64url (SLUICE_SIGNING=hmac).'),
        expires: str('Signed URL: expiry, unix seconds (SLUICE_SIGNING=nginx-md5).'),
        md5: str('Signed URL: the nginx `secure_link_md5` digest (SLUICE_SIGNING=nginx-md5).'),
      },
    },
    headers: { type: 'object', properties: { 'if-none-match': str('ETags, or `*`: 304 when one matches (weak comparison).') } },
    errors: ERRORS,
    errorHeaders: {
      409: { 'Retry-After': str('Seconds; sent with `SLUICE_ERR_THUMBNAIL_NOT_READY` (not transcoded as far as `time` yet).') },
      503: { 'Retry-After': str('Seconds: `1`.') },
    },
    response: {
      200: textBody('The picture.', [CONTENT_TYPES[format]], PICTURE_HEADERS),
      304: { ...noBody('Not modified (If-None-Match).'), headers: PICTURE_HEADERS },
    },
  });
}
