/**
 * What /api/openapi.json says about GET/HEAD /media/* (media-route.ts). The
 * bytes (200/206) are written on the raw response; 304, 412, 416 and the
 * errors pass Fastify's reply (and the test-time response check).
 */
import { MEDIA_TYPES } from '../storage/content-types.js';
import { noBody, routeSchema, textBody, type JsonSchema } from '../http/schemas.js';

const str = (description: string): JsonSchema => ({ type: 'string', description });

const BYTES_HEADERS = {
  'Content-Type': str('By extension (docs/delivery.md), as nginx would answer.'),
  'Content-Length': str('Bytes in this response.'),
  'Accept-Ranges': str('`bytes`.'),
  ETag: str('Strong validator of the file.'),
  'Last-Modified': str('RFC 9110 date.'),
  'Cache-Control': str('Immutable segments are cacheable; playlists that still grow are not.'),
};

const MEDIA_CONTENT_TYPES = [...new Set([...Object.values(MEDIA_TYPES), 'application/octet-stream'])];

export const mediaSchema = routeSchema({
  summary: 'Signed media bytes (segments, MP4, poster, storyboard images), with HTTP Range',
  description: 'The URLs come signed in status documents and playlists; the signature covers the path and expiry. '
    + 'RFC 9110 Range (one range, or several as `multipart/byteranges`), If-Range, If-None-Match/If-Modified-Since (304), '
    + 'If-Match/If-Unmodified-Since (412), exactly as the generated nginx config answers (docs/delivery.md). '
    + 'Errors are never cached (`Cache-Control: no-store`).',
  tags: ['media'],
  security: [{ signedUrl: [] }],
  params: { type: 'object', properties: { '*': str('`<video id>/<file>` under the video\'s media, e.g. `hls/720p/seg-00001.m4s`, `video.mp4`, `poster.jpg`.') } },
  querystring: {
    type: 'object',
    properties: {
      exp: str('Expiry, unix seconds (SLUICE_SIGNING=hmac, the default).'),
      sig: str('HMAC-SHA256 of path and expiry, base64url (SLUICE_SIGNING=hmac).'),
      expires: str('Expiry, unix seconds (SLUICE_SIGNING=nginx-md5).'),
      md5: str('nginx `secure_link_md5` digest (SLUICE_SIGNING=nginx-md5).'),
    },
  },
  headers: {
    type: 'object',
    properties: {
      range: str('`bytes=<first>-<last>`, `bytes=<first>-`, `bytes=-<suffix>`; several comma separated.'),
      'if-range': str('An ETag or date: the Range applies only if the file still matches.'),
      'if-none-match': str('ETags: 304 when one matches.'),
      'if-modified-since': str('304 when not modified since.'),
      'if-match': str('ETags: 412 when none matches.'),
      'if-unmodified-since': str('412 when modified since.'),
    },
  },
  errors: ['SLUICE_ERR_MEDIA_PATH_INVALID', 'SLUICE_ERR_SIGNATURE_INVALID', 'SLUICE_ERR_SIGNATURE_EXPIRED', 'SLUICE_ERR_MEDIA_NOT_FOUND',
    'SLUICE_ERR_MEDIA_PRECONDITION_FAILED', 'SLUICE_ERR_RANGE_NOT_SATISFIABLE', 'SLUICE_ERR_STORAGE_FAILED'],
  response: {
    200: textBody('The whole file (written raw).', MEDIA_CONTENT_TYPES, BYTES_HEADERS),
    206: textBody('The requested range(s) (written raw); several ranges come as `multipart/byteranges`.', [...MEDIA_CONTENT_TYPES, 'multipart/byteranges'], {
      ...BYTES_HEADERS, 'Content-Range': str('`bytes <first>-<last>/<size>` (single range).'),
    }),
    304: noBody('Not modified (If-None-Match / If-Modified-Since).'),
  },
});
