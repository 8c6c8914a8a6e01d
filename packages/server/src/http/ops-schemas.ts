/** Schemas of GET /healthz and GET /api/admin/jobs (app.ts). */
import { AUTH_ERRORS, jwt, routeSchema, type JsonSchema } from './schemas.js';

const int = { type: 'integer', minimum: 0 } as const;
const Job = {
  type: 'object',
  required: ['jobId', 'videoId', 'progress', 'startedAt'],
  properties: { jobId: { type: 'integer' }, videoId: { type: 'string' }, progress: { type: 'number' }, startedAt: { type: ['string', 'null'] } },
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
      description: 'Job counts by state, running jobs (on any node), recent failures, storage and (bucket storage) the originals cache.',
      type: 'object',
      required: ['queued', 'running', 'completed', 'failed', 'current', 'active', 'errors', 'storage'],
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
        cache: {
          type: 'object',
          description: 'The disk cache of originals (bucket storage only).',
          properties: {
            hits: int, misses: int, evictions: int, expirations: int, bytes: int, entries: int, downloadedBytes: int, hitRatio: { type: 'number' }, maxBytes: int,
          },
        },
      },
      additionalProperties: false,
    },
  },
});
