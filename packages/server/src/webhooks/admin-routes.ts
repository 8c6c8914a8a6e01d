/**
 * Admin API over the outbox (admin token): the delivery log, newest first,
 * and redelivery of one event to one endpoint (same event id, same body).
 */
import { authenticate } from '../auth/tokens.js';
import type { DeliveryState, WebhookDeliveryRecord } from '../db/store.js';
import { SluiceError } from '../errors.js';
import type { Services } from '../services.js';
import { listDeliveriesSchema, redeliverSchema } from './webhook-schemas.js';

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed', 'gone'];
const MAX_LIMIT = 500;

export interface WebhookRoutesOptions {
  /** Undefined when webhooks are off: the log stays readable, redelivery is refused. */
  giveUpMs?: number;
  /** After a redelivery row committed. */
  wake(): void;
}

/** A delivery as the admin API shows it (no body: it holds the video's status, listed elsewhere). */
export function deliveryJson(d: WebhookDeliveryRecord) {
  return {
    id: d.id, eventId: d.eventId, type: d.type, endpoint: d.endpoint, videoId: d.videoId, state: d.state, attempts: d.attempts,
    lastStatus: d.lastStatus, lastError: d.lastError, nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null, createdAt: d.createdAt, deliveredAt: d.deliveredAt,
  };
}

function positiveInt(name: string, v: unknown): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || Number(v) < 1) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', `${name} must be a positive integer.`);
  return Number(v);
}

export function registerWebhookRoutes(s: Services, o: WebhookRoutesOptions): void {
  const { app, store } = s;

  // attachValidation: the schema documents the query; the handler judges it (its messages name the parameter).
  app.get('/api/admin/webhooks/deliveries', { schema: listDeliveriesSchema, attachValidation: true }, async (req, reply) => {
    authenticate(app, req, { aud: [] });
    const q = req.query as Record<string, unknown>;
    const state = q.state === undefined || q.state === '' ? undefined : STATES.find((x) => x === q.state);
    if (q.state !== undefined && q.state !== '' && !state) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', `state must be one of ${STATES.join(', ')}.`);
    const videoId = typeof q.video === 'string' && q.video !== '' ? q.video : undefined;
    const limit = Math.min(positiveInt('limit', q.limit) ?? 100, MAX_LIMIT);
    const before = positiveInt('before', q.before);
    reply.header('cache-control', 'no-store');
    return { deliveries: (await store.webhooks.list({ state, videoId, limit, before })).map(deliveryJson) };
  });

  app.post('/api/admin/webhooks/deliveries/:id/redeliver', { schema: redeliverSchema }, async (req, reply) => {
    authenticate(app, req, { aud: [] });
    const { id } = req.params as { id: string };
    if (o.giveUpMs === undefined) throw new SluiceError('SLUICE_ERR_WEBHOOK_DISABLED');
    const n = /^\d{1,9}$/.test(id) ? Number(id) : 0;
    const row = n > 0 ? await store.webhooks.redeliver(n, new Date(Date.now() + o.giveUpMs).toISOString()) : undefined;
    if (!row) throw new SluiceError('SLUICE_ERR_WEBHOOK_DELIVERY_NOT_FOUND');
    o.wake();
    reply.code(202).header('cache-control', 'no-store');
    return { delivery: deliveryJson(row) };
  });
}
