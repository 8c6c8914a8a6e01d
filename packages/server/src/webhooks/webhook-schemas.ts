/**
 * What /api/openapi.json says about the webhook admin API (admin-routes.ts).
 * The list's query is read by the handler (its messages name the parameter),
 * so the query schema documents it and Fastify's validation of it is
 * attached, not enforced (`attachValidation`).
 */
import { AUTH_ERRORS, jwt, routeSchema, type JsonSchema } from '../http/schemas.js';
import { CAPTION_EVENT_TYPES, VIDEO_EVENT_TYPES } from './event-types.js';

const str = (description: string): JsonSchema => ({ type: 'string', description });
const time = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
const orNull = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type, 'null'] });

const NO_STORE = { 'Cache-Control': str('`no-store`.') };

/** deliveryJson() of admin-routes.ts. */
const Delivery = {
  type: 'object',
  required: ['id', 'eventId', 'type', 'endpoint', 'videoId', 'state', 'attempts', 'lastStatus', 'lastError', 'nextAttemptAt', 'createdAt', 'deliveredAt'],
  properties: {
    id: { type: 'integer', minimum: 1, description: 'The delivery id (one event to one endpoint).' },
    eventId: str('The event id, sent as `Sluice-Event-Id`: the same on every attempt and on a redelivery (receivers deduplicate by it).'),
    type: { type: 'string', enum: [...VIDEO_EVENT_TYPES, ...CAPTION_EVENT_TYPES] },
    endpoint: str('The endpoint URL (SLUICE_WEBHOOK_URLS).'),
    videoId: str('The video the event is about.'),
    state: { type: 'string', enum: ['pending', 'delivered', 'failed', 'gone'], description: '`failed`: retries gave up; `gone`: the endpoint answered 410.' },
    attempts: { type: 'integer', minimum: 0 },
    lastStatus: { type: ['integer', 'null'], description: 'The HTTP status of the last attempt; null before one, or when it got no answer.' },
    lastError: { type: ['string', 'null'], description: 'Why the last attempt failed.' },
    nextAttemptAt: orNull(time('When the next attempt is due; null unless `pending`.')),
    createdAt: time('When the delivery was queued.'),
    deliveredAt: orNull(time('When the endpoint accepted it (2xx).')),
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const listDeliveriesSchema = routeSchema({
  summary: 'The webhook delivery log, newest first',
  description: 'Readable whether webhooks are configured or not. Page with `before` (the last `id` seen).',
  tags: ['admin'],
  security: jwt(),
  querystring: {
    type: 'object',
    properties: {
      state: { type: 'string', enum: ['pending', 'delivered', 'failed', 'gone'], description: 'Only deliveries in this state.' },
      video: str('Only deliveries about this video id.'),
      limit: { type: 'string', pattern: '^\\d{1,9}$', description: 'At most this many, 1…500 (larger asks get 500). Absent: 100.' },
      before: { type: 'string', pattern: '^\\d{1,9}$', description: 'Only deliveries with a smaller id (a positive integer).' },
    },
  },
  errors: AUTH_ERRORS,
  response: {
    200: {
      description: 'The deliveries (without the event body).',
      type: 'object',
      required: ['deliveries'],
      properties: { deliveries: { type: 'array', items: Delivery } },
      additionalProperties: false,
      headers: NO_STORE,
    },
  },
});

export const redeliverSchema = routeSchema({
  summary: 'Send one delivery\'s event again to its endpoint',
  description: 'The same event (same `Sluice-Event-Id` and body) to the same endpoint, as a new pending delivery retried and given up like any other; the old one keeps its history.',
  tags: ['admin'],
  security: jwt(),
  params: { type: 'object', required: ['id'], properties: { id: str('The delivery id.') } },
  errors: [...AUTH_ERRORS, 'SLUICE_ERR_WEBHOOK_DELIVERY_NOT_FOUND', 'SLUICE_ERR_WEBHOOK_DISABLED'],
  response: {
    202: {
      description: 'Queued: the new delivery.',
      type: 'object',
      required: ['delivery'],
      properties: { delivery: Delivery },
      additionalProperties: false,
      headers: NO_STORE,
    },
  },
});
