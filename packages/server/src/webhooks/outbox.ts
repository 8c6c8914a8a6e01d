/**
 * The Store's outbox policy for webhooks: for each video row change, one row
 * per event × configured endpoint, with the event's body made once (so every
 * endpoint and every retry gets the same id and bytes). The Store inserts
 * them in the transaction of the change itself: a status change and its
 * events commit together or not at all.
 */
import type { NewWebhookDelivery, VideoOutbox, VideoPatch, VideoTransition } from '../db/store.js';
import { statusFields } from '../videos/status-document.js';
import { eventBody } from './event-body.js';
import { eventsFor } from './event-types.js';

export interface WebhookOutboxOptions {
  urls: readonly string[];
  giveUpMs: number;
  /** After a commit that added rows: wake the dispatcher here and on other nodes. */
  committed(): void;
}

export class WebhookOutbox implements VideoOutbox {
  readonly watches: ReadonlyArray<keyof VideoPatch> = ['status', 'playable'];

  constructor(private readonly o: WebhookOutboxOptions) {}

  deliveriesFor(t: VideoTransition): NewWebhookDelivery[] {
    const video = t.after ?? t.before;
    if (!video || this.o.urls.length === 0) return [];
    const rows: NewWebhookDelivery[] = [];
    const giveUpAt = new Date(Date.now() + this.o.giveUpMs).toISOString();
    for (const type of eventsFor(t)) {
      const { id, body } = eventBody(type, statusFields(video));
      for (const endpoint of this.o.urls) rows.push({ eventId: id, endpoint, videoId: video.id, type, body, giveUpAt });
    }
    return rows;
  }

  committed(): void {
    this.o.committed();
  }
}
