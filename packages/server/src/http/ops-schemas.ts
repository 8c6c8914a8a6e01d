/** Schemas of GET /healthz and GET /api/admin/jobs (app.ts). */
import { AUTH_ERRORS, jwt, routeSchema, type JsonSchema } from './schemas.js';

const int = { type: 'integer', minimum: 0 } as const;
const Job = {
  type: 'object',
  required: ['jobId', 'videoId', 'progress', 'startedAt'],
  properties: { jobId: { type: 'integer' }, videoId: { type: 'string' }, progress: { type: 'number' }, startedAt: { type: ['string', 'null'] } },
  additionalProperties: false,
} as const satisfies JsonSchema;

/** DiskCacheStats (storage/disk-cache.ts). */
const CacheStats = {
  type: 'object',
  required: ['hits', 'misses', 'evictions', 'expirations', 'bytes', 'entries', 'downloadedBytes', 'hitRatio', 'maxBytes'],
  properties: {
    hits: int, misses: int, evictions: int, expirations: int, bytes: int, entries: int, downloadedBytes: int,
    hitRatio: { type: 'number', minimum: 0, maximum: 1 }, maxBytes: int,
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const healthzSchema = routeSchema({
  summary: 'Liveness',
  tags: ['meta'],
  response: { 200: { description: 'The server answers.', type: 'object', required: ['ok'], properties: { ok: { const: true } }, additionalProperties: false } },
});

export const adminJobsSchema = routeSchema({
  summary: 'Transcode queue, storage and cache state',
  tags: ['admin'],
  security: jwt(),
  errors: AUTH_ERRORS,
  response: {
    200: {
      description: 'Job counts by state, running jobs (on any node), recent failures, storage, (bucket storage) the originals cache and the thumbnails.',
      type: 'object',
      required: ['queued', 'running', 'completed', 'failed', 'current', 'active', 'errors', 'storage', 'thumbnails'],
      properties: {
        queued: int, running: int, completed: int, failed: int,
        current: { anyOf: [Job, { type: 'null' }], description: 'This process\'s running job.' },
        active: { type: 'array', items: Job },
        errors: {
          type: 'array',
          items: {
            type: 'object', required: ['jobId', 'videoId', 'code', 'message', 'at'], additionalProperties: false,
            properties: { jobId: { type: 'integer' }, videoId: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, at: { type: ['string', 'null'] } },
          },
        },
        storage: {
          type: 'object', required: ['kind', 'delivery'], additionalProperties: false,
          properties: { kind: { type: 'string' }, delivery: { type: 'string', enum: ['proxy', 'direct'] }, proxiedBytes: int },
        },
        cache: { ...CacheStats, description: 'The disk cache of originals (bucket storage only).' },
        thumbnails: {
          type: 'object',
          description: 'The thumbnail disk cache\'s counters, and the ffmpeg runs drawing thumbnails (GET /api/videos/{id}/thumbnail.jpg).',
          required: [...CacheStats.required, 'runs', 'running', 'waiting'],
          properties: {
            ...CacheStats.properties,
            runs: { ...int, description: 'ffmpeg runs started since the server started.' },
            running: { ...int, description: 'Drawing now.' },
            waiting: { ...int, description: 'Waiting for a free slot (503 `SLUICE_ERR_THUMBNAIL_BUSY` when too many wait).' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
});
