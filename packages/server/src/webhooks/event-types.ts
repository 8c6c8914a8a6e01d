/**
 * Every webhook event type, in one place, and which change of a video row
 * causes which.
 */
import type { CaptionTransition, VideoTransition } from '../db/store.js';

export const VIDEO_EVENT_TYPES = ['video.created', 'video.playable', 'video.ready', 'video.failed', 'video.deleted'] as const;

/** Sent only by `sluice webhooks test`, never stored. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** A caption track was added (uploaded, or extracted from the original), replaced, or deleted. */
export const CAPTION_EVENT_TYPES = ['captions.created', 'captions.updated', 'captions.deleted'] as const;

export type VideoEventType = (typeof VIDEO_EVENT_TYPES)[number];
export type CaptionEventType = (typeof CAPTION_EVENT_TYPES)[number];
export type WebhookEventType = VideoEventType | CaptionEventType | typeof TEST_EVENT_TYPE;

export const captionEventFor = ({ change }: CaptionTransition): CaptionEventType => `captions.${change}`;

/** The events one video row change causes, in the order a receiver gets them. */
export function eventsFor({ before, after }: VideoTransition): VideoEventType[] {
  if (!before) return after ? ['video.created'] : [];
  if (!after) return ['video.deleted'];
  const events: VideoEventType[] = [];
  if (after.playable && !before.playable) events.push('video.playable');
  if (after.status === 'ready' && before.status !== 'ready') events.push('video.ready');
  if (after.status === 'failed' && before.status !== 'failed') events.push('video.failed');
  return events;
}
