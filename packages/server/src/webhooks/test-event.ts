/**
 * `sluice webhooks test <url>`: one signed `webhook.test` event, sent now
 * with the configured secret, outside the outbox (nothing is stored or
 * retried), so a receiver's signature check can be tried before any video.
 */
import { eventBody } from './event-body.js';
import { TEST_EVENT_TYPE } from './event-types.js';
import { postEvent, type PostResult } from './post-event.js';

export interface TestEventResult extends PostResult {
  eventId: string;
}

export async function sendTestEvent(url: string, secret: string, timeoutMs: number): Promise<TestEventResult> {
  const { id, body } = eventBody(TEST_EVENT_TYPE, { message: 'A test event from `sluice webhooks test`.' });
  const r = await postEvent({ url, body, eventId: id, type: TEST_EVENT_TYPE, secret, timeoutMs });
  return { ...r, eventId: id };
}
