/**
 * The shared pieces of the route schemas that /api/openapi.json is generated
 * from (@fastify/swagger, http/openapi.ts): the error body, the status
 * document, security requirements and `routeSchema()`, which every route uses.
 *
 * Adding a route: give it `schema: routeSchema({ summary, tags, security,
 * errors: [...SLUICE_ERR codes it answers with], response: { 200: … } })`,
 * with params/querystring/body/headers where it reads them; keep a route
 * family's schemas in a `<family>-schemas.ts` next to its routes. The error
 * responses (one per status, codes from the catalogue) are added for you. The
 * test suite checks every real response against these schemas
 * (http/response-check.ts) and fails on a route without one (openapi test).
 *
 * Schemas only describe and (in tests) check: responses are serialised with
 * JSON.stringify (app.ts), never reshaped by a schema.
 */
import { ERRORS, type ErrorCode } from '../errors.js';

/** A JSON Schema (2020-12) object, as Fastify and @fastify/swagger take it. */
export type JsonSchema = Record<string, unknown>;

/** Codes any route can answer with: bad URL/headers (Fastify), demo-mode Host guard, a bug. */
export const COMMON_ERRORS: readonly ErrorCode[] = ['SLUICE_ERR_REQUEST_INVALID', 'SLUICE_ERR_DEMO_HOST_REFUSED', 'SLUICE_ERR_SERVER_INTERNAL'];

/** The codes `authenticate()` (auth/tokens.ts) answers with. */
export const AUTH_ERRORS: readonly ErrorCode[] = ['SLUICE_ERR_AUTH_MISSING', 'SLUICE_ERR_AUTH_INVALID', 'SLUICE_ERR_AUTH_FORBIDDEN'];

export const ErrorInfo = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'A stable `SLUICE_ERR_<AREA>_<WHAT>` code (docs/errors.md).' },
    message: { type: 'string', description: 'A sentence a person can act on.' },
  },
} as const satisfies JsonSchema;

/** `{ error: { code, message } }`, with `code` one of `codes`. */
export function errorBody(codes: readonly ErrorCode[]): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: { error: { ...ErrorInfo, properties: { ...ErrorInfo.properties, code: { type: 'string', enum: [...codes] } } } },
  };
}

export const Rendition = {
  type: 'object',
  required: ['name', 'width', 'height', 'bandwidth'],
  properties: {
    name: { type: 'string', description: '`1080p`, `720p`, `480p`, `360p`.' },
    width: { type: 'integer', description: 'Pixels, after rotation.' },
    height: { type: 'integer' },
    bandwidth: { type: 'integer', description: 'Peak bits per second (the master playlist\'s BANDWIDTH).' },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

/** A caption track (CaptionTrack of packages/protocol/src/status-document.ts, key for key). */
export const CaptionTrack = {
  type: 'object',
  required: ['id', 'lang', 'label', 'kind', 'default', 'closedCaptions', 'source', 'url'],
  properties: {
    id: { type: 'string', pattern: '^[0-9a-f]{16}$', description: 'The track id (16 lowercase hex digits), stable until the track is deleted.' },
    lang: { type: 'string', description: 'BCP 47 language tag, canonicalised (`en`, `pt-BR`; `und` when unknown).' },
    label: { type: 'string', description: 'What a menu shows; defaults to the language\'s English name.' },
    kind: { type: 'string', enum: ['subtitles', 'captions'] },
    default: { type: 'boolean', description: 'The track a player selects by default; at most one track of a video has it.' },
    closedCaptions: { type: 'boolean', description: 'Closed captions (dialogue, music and sound described) for deaf and hard-of-hearing viewers.' },
    source: { type: 'string', enum: ['upload', 'embedded'], description: '`upload`: added over the API or CLI (kept by reprocessing); `embedded`: extracted from the original (replaced by reprocessing).' },
    url: { type: 'string', description: 'Signed URL of the whole track as one WebVTT file (text/vtt, UTF-8), usable as `<track src>`.' },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

/** packages/protocol/src/status-document.ts, key for key (a test compares them). */
export const StatusDocument = {
  type: 'object',
  description: 'The video status document (docs/api.md); also the data of every `status` SSE event.',
  required: ['id', 'status', 'progress', 'playable', 'title', 'renditions', 'captions'],
  properties: {
    id: { type: 'string', description: 'The video id (also the tus upload id).' },
    status: { type: 'string', enum: ['uploading', 'queued', 'processing', 'ready', 'failed'] },
    progress: { type: 'number', minimum: 0, maximum: 1, description: 'Processing progress 0–1 (1 once `ready`).' },
    playable: { type: 'boolean', description: 'The master playlist and first segments exist: a player may start, even while `processing`.' },
    error: { ...ErrorInfo, description: 'Why processing failed; present only when `status` is `failed`.' },
    title: { type: 'string', description: 'The upload\'s `title` metadata, else its file name without extension.' },
    duration: { type: 'number', description: 'Seconds, once probed.' },
    width: { type: 'integer', description: 'Source pixels after rotation, once probed.' },
    height: { type: 'integer' },
    renditions: { type: 'array', items: Rendition, description: 'The ladder, highest first; empty until planned.' },
    hls: { type: 'string', description: 'Master playlist URL carrying a playback token; present once `playable`.' },
    mp4: { type: 'string', description: 'Signed URL of the faststart MP4 fallback; present once `ready`.' },
    poster: { type: 'string', description: 'Signed URL of the poster JPEG; present once `ready`.' },
    storyboard: { type: 'string', description: 'URL of the storyboard WebVTT thumbnails track; present once `ready`.' },
    captions: { type: 'array', items: CaptionTrack, description: 'Text tracks in the order they were added (`[]` when none); their signed URLs expire at `expiresAt` (or a media TTL from now before `ready`).' },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the signed `mp4`, `poster` and caption URLs stop working; present once `ready`.' },
    thumbnail: {
      type: 'string',
      description: 'URL of a JPEG thumbnail carrying a playback token; present once `playable`. Append `&time=<seconds>&width=<pixels>` '
        + 'for another frame or size, or replace `.jpg` with `.webp` (GET /api/videos/{id}/thumbnail.jpg).',
    },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

/** `:id` of the video routes. No pattern: an unknown id is a 404 after authentication, not a 400 before it. */
export const VideoIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The video id.' } },
} as const satisfies JsonSchema;

/** A body-less response (204, 304). */
export function noBody(description: string): JsonSchema {
  return { description, type: 'null' };
}

/** A non-JSON response: `types` are content types, each body a string (or bytes). */
export function textBody(description: string, types: readonly string[], headers?: JsonSchema): JsonSchema {
  return {
    description,
    content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string' } }])),
    ...(headers ? { headers } : {}),
  };
}

/** The security schemes of components.securitySchemes (http/openapi.ts) by name. */
export type SecurityScheme = 'bearer' | 'tokenQuery' | 'signedUrl';
export type Audience = 'upload' | 'playback' | 'admin';
export type SecurityRequirement = Partial<Record<SecurityScheme, string[]>>;

/** A JWT with one of `audiences` (admin is always accepted), in the Authorization header or ?token=. */
export function jwt(...audiences: Audience[]): SecurityRequirement[] {
  const roles = [...new Set<Audience>([...audiences, 'admin'])];
  return [{ bearer: roles }, { tokenQuery: roles }];
}

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** Omitted: a public route. `[{}]` inside a list: the credentials are optional. */
  security?: SecurityRequirement[];
  /** The codes this route answers with (besides COMMON_ERRORS). */
  errors?: readonly ErrorCode[];
  /** Success (and other non-error) responses by status code. */
  response: Record<number, JsonSchema>;
  /** Response headers of the error responses, by status (`Retry-After` on a 503…). */
  errorHeaders?: Record<number, Record<string, JsonSchema>>;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  headers?: JsonSchema;
  /** Request body content types, when not JSON. */
  consumes?: string[];
  /** Extra operation fields (`x-…`). */
  extra?: Record<`x-${string}`, unknown>;
}

/**
 * A route's Fastify `schema`: its doc, and one error response per status its
 * codes (plus COMMON_ERRORS) map to in the catalogue, listing the codes.
 */
export function routeSchema(doc: RouteDoc): JsonSchema {
  const codes = [...new Set([...(doc.errors ?? []), ...COMMON_ERRORS])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const response: Record<number, JsonSchema> = { ...doc.response };
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    if (response[status]) throw new Error(`routeSchema(${doc.summary}): status ${status} is both a response and an error.`);
    const headers = doc.errorHeaders?.[status];
    response[status] = { description: list.map((c) => `\`${c}\`: ${ERRORS[c].message}`).join('\n'), ...errorBody(list), ...(headers ? { headers } : {}) };
  }
  for (const status of Object.keys(doc.errorHeaders ?? {})) {
    if (!byStatus.has(Number(status))) throw new Error(`routeSchema(${doc.summary}): errorHeaders for ${status}, which none of its codes answers.`);
  }
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    security: doc.security ?? [],
    'x-error-codes': codes,
    ...(doc.params ? { params: doc.params } : {}),
    ...(doc.querystring ? { querystring: doc.querystring } : {}),
    ...(doc.body ? { body: doc.body } : {}),
    ...(doc.headers ? { headers: doc.headers } : {}),
    ...(doc.consumes ? { consumes: doc.consumes } : {}),
    ...doc.extra,
    response,
  };
}
