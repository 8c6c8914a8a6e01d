/**
 * What /api/openapi.json says about the tus 1.0 endpoint (tus-endpoint.ts):
 * the protocol's headers and statuses (https://tus.io/protocols/resumable-upload).
 * tus writes its own answers on the raw response, so only the refusals made
 * before it runs (upload-access.ts: token, Tus-Resumable, capability,
 * Content-Type) pass Fastify's reply and the test-time response check. The
 * header schemas declare nothing required: tus's own checks answer with the
 * right tus status (412, 400…), which a Fastify validation error would not.
 */
import type { ErrorCode } from '../errors.js';
import { AUTH_ERRORS, jwt, routeSchema, type JsonSchema } from '../http/schemas.js';

const str = (description: string): JsonSchema => ({ type: 'string', description });

const TUS_RESUMABLE = str('`1.0.0`, on every request but OPTIONS (412 `SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED` otherwise, with `Tus-Version: 1.0.0`).');
const UPLOAD_OFFSET = str('Bytes the server has (a non-negative integer).');
const UPLOAD_EXPIRES = str('RFC 9110 date after which an unfinished upload is removed (SLUICE_UPLOAD_EXPIRY).');
const RESPONSE_TUS_RESUMABLE = str('`1.0.0`.');

/** A tus answer: no body, tus headers. */
function tusAnswer(description: string, headers: Record<string, JsonSchema>): JsonSchema {
  return { description, type: 'null', headers: { 'Tus-Resumable': RESPONSE_TUS_RESUMABLE, ...headers } };
}

const UploadParams = {
  type: 'object',
  required: ['id'],
  properties: { id: str('The last segment of the upload URL (`Location` of the POST): `<video id>.<key>`, a capability bound to the upload.') },
} as const satisfies JsonSchema;

/** Refusals before tus runs, for an existing upload (upload-access.ts), and tus's own. */
const EXISTING: readonly ErrorCode[] = [...AUTH_ERRORS, 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED', 'SLUICE_ERR_UPLOAD_NOT_FOUND', 'SLUICE_ERR_UPLOAD_EXPIRED', 'SLUICE_ERR_UPLOAD_INVALID'];

const TUS_NOTE = 'tus 1.0 (extensions creation, creation-with-upload, creation-defer-length, termination, expiration; not checksum, so never 460). '
  + 'Errors carry the JSON error body, except on HEAD.';

export const createUploadSchema = routeSchema({
  summary: 'tus: create an upload (and its video record)',
  description: `${TUS_NOTE} The upload id is the video id. A body with \`Content-Type: application/offset+octet-stream\` is the first chunk (creation-with-upload).`,
  tags: ['uploads'],
  security: jwt('upload'),
  headers: {
    type: 'object',
    properties: {
      'tus-resumable': TUS_RESUMABLE,
      'upload-length': str('The size in bytes; or send `Upload-Defer-Length: 1` and give it on a later PATCH. At most SLUICE_MAX_UPLOAD and the token\'s `maxBytes` (413).'),
      'upload-defer-length': str('`1`: the length is not known yet.'),
      'upload-metadata': str('tus metadata: `key base64value` pairs, comma separated. Read: `filename`, `filetype`, `title` (the video title). At most 16 keys, no control characters (400).'),
      'content-type': str('`application/offset+octet-stream` when the request carries the first chunk.'),
    },
  },
  errors: [...AUTH_ERRORS, 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED', 'SLUICE_ERR_UPLOAD_TOO_LARGE', 'SLUICE_ERR_UPLOAD_METADATA_INVALID', 'SLUICE_ERR_UPLOAD_INVALID',
    'SLUICE_ERR_UPLOAD_CONTENT_TYPE', 'SLUICE_ERR_UPLOAD_DISK_FULL', 'SLUICE_ERR_UPLOAD_UNSUPPORTED'],
  response: {
    201: tusAnswer('Created.', {
      Location: str('The upload URL: `/api/uploads/<video id>.<key>` (absolute). Keep it to resume.'),
      'Upload-Offset': str('With a first chunk: the bytes stored.'),
      'Upload-Expires': UPLOAD_EXPIRES,
      'Sluice-Video-Id': str('The video id.'),
      'Sluice-Video-Token': str('A playback token for this video (JWT) to follow its status.'),
    }),
  },
});

export const uploadOffsetSchema = routeSchema({
  summary: 'tus: how many bytes the server has',
  description: `${TUS_NOTE} Never cached.`,
  tags: ['uploads'],
  security: jwt('upload'),
  params: UploadParams,
  headers: { type: 'object', properties: { 'tus-resumable': TUS_RESUMABLE } },
  errors: EXISTING,
  response: {
    200: tusAnswer('The upload\'s state.', {
      'Upload-Offset': UPLOAD_OFFSET,
      'Upload-Length': str('The declared size, once known.'),
      'Upload-Defer-Length': str('`1` while the size is not known.'),
      'Upload-Metadata': str('The metadata given at creation.'),
      'Cache-Control': str('`no-store`.'),
    }),
  },
});

export const uploadChunkSchema = routeSchema({
  summary: 'tus: append bytes at Upload-Offset',
  description: `${TUS_NOTE} The last byte queues processing before the 204 is sent.`,
  tags: ['uploads'],
  security: jwt('upload'),
  params: UploadParams,
  headers: {
    type: 'object',
    properties: {
      'tus-resumable': TUS_RESUMABLE,
      'upload-offset': str('Where these bytes start: must equal the server\'s offset (409 otherwise: ask with HEAD).'),
      'upload-length': str('The size, when creation deferred it.'),
      'content-type': str('`application/offset+octet-stream` (415 otherwise).'),
    },
  },
  body: { description: 'The bytes, from Upload-Offset on.', type: 'string', contentMediaType: 'application/offset+octet-stream' },
  consumes: ['application/offset+octet-stream'],
  errors: [...EXISTING, 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH', 'SLUICE_ERR_UPLOAD_CONTENT_TYPE', 'SLUICE_ERR_UPLOAD_TOO_LARGE', 'SLUICE_ERR_UPLOAD_DISK_FULL'],
  response: { 204: tusAnswer('Stored.', { 'Upload-Offset': UPLOAD_OFFSET, 'Upload-Expires': UPLOAD_EXPIRES }) },
});

export const terminateUploadSchema = routeSchema({
  summary: 'tus: abandon an unfinished upload (and its video record)',
  description: `${TUS_NOTE} A finished upload is the video's original: delete the video instead (400 \`SLUICE_ERR_UPLOAD_FINISHED\`).`,
  tags: ['uploads'],
  security: jwt('upload'),
  params: UploadParams,
  headers: { type: 'object', properties: { 'tus-resumable': TUS_RESUMABLE } },
  errors: [...EXISTING, 'SLUICE_ERR_UPLOAD_FINISHED'],
  response: { 204: tusAnswer('Terminated.', {}) },
});

const OPTIONS_ANSWER = tusAnswer('What this tus server supports (and CORS preflight answers).', {
  'Tus-Version': str('`1.0.0`.'),
  'Tus-Extension': str('`creation,creation-with-upload,creation-defer-length,termination,expiration` (bucket stores may offer fewer).'),
  'Tus-Max-Size': str('SLUICE_MAX_UPLOAD in bytes.'),
});

export const uploadOptionsSchema = routeSchema({
  summary: 'tus: server capabilities',
  description: 'tus 1.0 discovery; no token needed.',
  tags: ['uploads'],
  response: { 204: OPTIONS_ANSWER },
});

export const uploadUrlOptionsSchema = routeSchema({
  summary: 'tus: server capabilities (on an upload URL)',
  description: 'tus 1.0 discovery; no token needed.',
  tags: ['uploads'],
  params: UploadParams,
  response: { 204: OPTIONS_ANSWER },
});
