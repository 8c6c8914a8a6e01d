/**
 * The Store's outbox policy for webhooks: for each video row change, one row
 * per event × configured endpoint, with the event's body made once (so every
 * endpoint and every retry gets the same id and bytes). The Store inserts
 * them in the transaction of the change itself: a status change and its
 * events commit together or not at all.
 */
import type { CaptionTransition, NewWebhookDelivery, VideoOutbox, VideoPatch, VideoTransition } from '../db/store.js';
import { statusFields } from '../videos/status-document.js';
import { eventBody } from './event-body.js';
import { captionEventFor, eventsFor, type WebhookEventType } from './event-types.js';

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
    // `captions` carries signed URLs in the status document: events name tracks through captions.* instead.
    const { captions: _links, ...data } = statusFields(video);
    return eventsFor(t).flatMap((type) => this.#rows(video.id, type, data));
  }

  captionDeliveriesFor(t: CaptionTransition): NewWebhookDelivery[] {
    if (this.o.urls.length === 0) return [];
    const { id, videoId, lang, label, kind, isDefault, closedCaptions, source } = t.track;
    return this.#rows(videoId, captionEventFor(t), { videoId, track: { id, lang, label, kind, default: isDefault, closedCaptions, source } });
  }

  /** One row per endpoint for one event, its body made once. */
  #rows(videoId: string, type: WebhookEventType, data: unknown): NewWebhookDelivery[] {
    const giveUpAt = new Date(Date.now() + this.o.giveUpMs).toISOString();
    const { id, body } = eventBody(type, data);
    return this.o.urls.map((endpoint) => ({ eventId: id, endpoint, videoId, type, body, giveUpAt }));
  }

  committed(): void {
    this.o.committed();
  }
}
