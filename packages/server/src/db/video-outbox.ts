/**
 * The shape every video write of the Store shares with the webhook outbox:
 * the Store reports each transition of a video row inside the write's own
 * transaction and inserts the rows the outbox returns there (webhooks/outbox.ts).
 */
import type { CaptionRecord, VideoPatch, VideoRecord } from './store-rows.js';
import type { NewWebhookDelivery } from './webhook-deliveries.js';

/** A change of one video row: no `before` when it was created, no `after` when it was deleted. */
export interface VideoTransition {
  before: VideoRecord | undefined;
  after: VideoRecord | undefined;
}

/** A change of one caption track (captions table), reported inside the write's transaction like a video's. */
export interface CaptionTransition {
  change: 'created' | 'updated' | 'deleted';
  track: CaptionRecord;
}

/**
 * What every video write adds to its own transaction (the webhook outbox):
 * the Store reports each transition of a video row, inserts the rows the
 * outbox returns in the same transaction, and calls `committed()` after the
 * commit. One shape for every status write (createVideo, updateVideo, updateVideoForJob, enqueueJob, deleteVideo), so no call site can forget it.
 */
export interface VideoOutbox {
  /** Patches touching none of these fields cannot cause a row (progress ticks skip the extra read). */
  readonly watches: ReadonlyArray<keyof VideoPatch>;
  deliveriesFor(t: VideoTransition): NewWebhookDelivery[];
  /** The same for a caption track's change (CaptionQueries writes). */
  captionDeliveriesFor(t: CaptionTransition): NewWebhookDelivery[];
  /** After a commit that inserted rows (wake the dispatcher). */
  committed(): void;
}

