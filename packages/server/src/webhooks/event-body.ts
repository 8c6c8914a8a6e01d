/**
 * One event as receivers get it: `{ id, type, createdAt, data }`, `data`
 * being the status document without signed links or tokens. Serialised once,
 * when the event is made: every attempt sends these exact bytes.
 */
import { randomBytes } from 'node:crypto';
import type { StatusDocument } from '@sluice/protocol';
import type { WebhookEventType } from './event-types.js';

export interface WebhookEvent<D = StatusDocument> {
  /** Unique per event, the same on every retry and redelivery: receivers dedupe on it. */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: D;
}

export const newEventId = (): string => `evt_${randomBytes(16).toString('hex')}`;

export function eventBody<D>(type: WebhookEventType, data: D, createdAt = new Date()): { id: string; body: string } {
  const event: WebhookEvent<D> = { id: newEventId(), type, createdAt: createdAt.toISOString(), data };
  return { id: event.id, body: JSON.stringify(event) };
}
