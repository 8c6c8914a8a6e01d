/**
 * What /api/openapi.json says about the captions JSON API (caption-routes.ts).
 * POST and PUT check their body themselves (caption-service.ts: each field's
 * refusal has its own SLUICE_ERR_CAPTIONS_* code and message), so the body
 * schema documents those rules and Fastify's validation of it is attached,
 * not enforced (`attachValidation` in caption-routes.ts).
 */
import type { ErrorCode } from '../errors.js';
import { AUTH_ERRORS, CaptionTrack, VideoIdParams, jwt, noBody, routeSchema, type JsonSchema } from '../http/schemas.js';

const str = (description: string): JsonSchema => ({ type: 'string', description });

const NO_STORE = { 'Cache-Control': str('`no-store`: the track URLs carry signatures that expire.') };

const TrackParams = {
  type: 'object',
  required: ['id', 'trackId'],
  properties: { ...VideoIdParams.properties, trackId: str('The track id (`id` of a CaptionTrack). Anything else is a 404 `SLUICE_ERR_CAPTIONS_NOT_FOUND`.') },
} as const satisfies JsonSchema;

const CaptionBody = {
  type: 'object',
  description: 'JSON in UTF-8 (or UTF-16 with a byte order mark); bytes that are not are refused with `SLUICE_ERR_CAPTIONS_ENCODING`.',
  required: ['lang', 'text'],
  properties: {
    lang: str('A BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`), stored canonicalised; else 400 `SLUICE_ERR_CAPTIONS_LANGUAGE`.'),
    label: { type: ['string', 'null'], description: 'What a menu shows: 1–100 characters without `"` or a line break (else 400 `SLUICE_ERR_CAPTIONS_LABEL`). Absent or null: the language\'s English name.' },
    kind: { type: 'string', enum: ['subtitles', 'captions'], description: 'Absent: `subtitles`.' },
    default: { type: 'boolean', description: 'Make this the track players select by default (it is taken from any other track of the video). Absent: false.' },
    closedCaptions: { type: 'boolean', description: 'Closed captions for deaf and hard-of-hearing viewers. Absent: false.' },
    text: str('The caption file as a string: WebVTT (starts with `WEBVTT`) or SRT; at most 2 MB of text and 20000 cues (413 `SLUICE_ERR_CAPTIONS_TOO_LARGE`). '
      + 'Stored as WebVTT written by Sluice; anything that is not clean WebVTT or SRT text is 400 `SLUICE_ERR_CAPTIONS_INVALID`.'),
  },
} as const satisfies JsonSchema;

const OWNER = 'Needs an admin token, or the upload token that created the video (same `sub`); any other token gets 404 `SLUICE_ERR_VIDEO_NOT_FOUND`, '
  + 'as if the video did not exist. A new or changed track shows in the status document, its SSE stream and the master playlist at once.';

/** Checking the body (caption-service.ts, parse-captions.ts, the scope's JSON parser) and storing the track's files. */
const WRITE_ERRORS: readonly ErrorCode[] = [
  ...AUTH_ERRORS, 'SLUICE_ERR_VIDEO_NOT_FOUND', 'SLUICE_ERR_CAPTIONS_INVALID', 'SLUICE_ERR_CAPTIONS_ENCODING', 'SLUICE_ERR_CAPTIONS_TOO_LARGE',
  'SLUICE_ERR_CAPTIONS_LANGUAGE', 'SLUICE_ERR_CAPTIONS_LABEL', 'SLUICE_ERR_STORAGE_FAILED',
];

export const listCaptionsSchema = routeSchema({
  summary: 'The caption tracks of a video',
  description: 'The same list as the status document\'s `captions`, in the order the tracks were added; each `url` is signed for a media TTL from now.',
  tags: ['videos'],
  security: jwt('playback'),
  params: VideoIdParams,
  errors: [...AUTH_ERRORS, 'SLUICE_ERR_VIDEO_NOT_FOUND'],
  response: {
    200: {
      description: 'The tracks (`[]` when none).',
      type: 'object',
      required: ['captions'],
      properties: { captions: { type: 'array', items: CaptionTrack } },
      additionalProperties: false,
      headers: NO_STORE,
    },
  },
});

export const addCaptionSchema = routeSchema({
  summary: 'Add a caption track (WebVTT or SRT) to a video',
  description: `${OWNER} At most 32 tracks a video (409 \`SLUICE_ERR_CAPTIONS_LIMIT\`).`,
  tags: ['videos'],
  security: jwt('upload'),
  params: VideoIdParams,
  body: CaptionBody,
  errors: [...WRITE_ERRORS, 'SLUICE_ERR_CAPTIONS_LIMIT'],
  response: { 201: { ...CaptionTrack, description: 'The track as stored.', headers: NO_STORE } },
});

export const replaceCaptionSchema = routeSchema({
  summary: 'Replace a caption track\'s text and fields',
  description: `${OWNER} The track keeps its id; every field is set from the body (absent ones take their defaults).`,
  tags: ['videos'],
  security: jwt('upload'),
  params: TrackParams,
  body: CaptionBody,
  errors: [...WRITE_ERRORS, 'SLUICE_ERR_CAPTIONS_NOT_FOUND'],
  response: { 200: { ...CaptionTrack, description: 'The track as stored now.', headers: NO_STORE } },
});

export const deleteCaptionSchema = routeSchema({
  summary: 'Delete a caption track',
  description: OWNER,
  tags: ['videos'],
  security: jwt('upload'),
  params: TrackParams,
  errors: [...AUTH_ERRORS, 'SLUICE_ERR_VIDEO_NOT_FOUND', 'SLUICE_ERR_CAPTIONS_NOT_FOUND', 'SLUICE_ERR_STORAGE_FAILED'],
  response: { 204: noBody('Deleted, with its files.') },
});
