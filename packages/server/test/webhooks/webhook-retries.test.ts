/**
 * Delivery semantics against a real receiver: 500s and a dropped connection
 * are retried with the same event id and bytes; 410 stops; one video's
 * events wait behind its failing first one while another video's go
 * through; a receiver that never answers does not hold processing back.
 * Status changes are made through the app's own Store (the writes the
 * routes and jobs make), or by a real upload where processing matters.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { getStatus, waitSettled } from '../support/api.js';
import { FIXTURES, startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { eventTypes, startReceiver, type Answer, type Received, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec-retries-0123456789abcdef';
let receiver: WebhookReceiver;
let t: TestApp;
/** Per video id: how its requests are answered (default 200). */
const answers = new Map<string, (r: Received, nth: number) => Answer>();

before(async () => {
  receiver = await startReceiver(SECRET, (r, nth) => answers.get(String(r.event.data.id))?.(r, nth) ?? 200);
  t = await startTestApp({ SLUICE_WEBHOOK_URLS: receiver.url, SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '100ms..300ms', SLUICE_WEBHOOK_TIMEOUT: '60s' });
});
after(async () => { await t.close(); await receiver.close(); });

const newId = (): string => randomBytes(16).toString('hex');
const create = (id: string) => t.app.sluice.store.createVideo({ id, status: 'uploading', title: id, filename: `${id}.mp4`, size: 1 });
const requestsFor = (id: string): Received[] => receiver.received.filter((r) => r.event.data.id === id);
const rows = (id: string) => t.app.sluice.store.webhooks.list({ videoId: id, limit: 50 });

test('500 twice, then 200: delivered on the third attempt, the same event id and bytes each time', async () => {
  const id = newId();
  let n = 0;
  answers.set(id, () => (++n <= 2 ? 500 : 200));
  await create(id);
  await waitFor('delivered', async () => (await rows(id))[0]?.state === 'delivered');
  const [row] = await rows(id);
  assert.deepEqual([row?.attempts, row?.lastStatus, row?.lastError], [3, 200, null]);
  const got = requestsFor(id);
  assert.equal(got.length, 3);
  assert.equal(new Set(got.map((r) => r.eventId)).size, 1);
  assert.equal(new Set(got.map((r) => r.body)).size, 1);
  assert.ok(got.every((r) => r.verified));
});

test('a dropped connection is retried', async () => {
  const id = newId();
  let n = 0;
  answers.set(id, () => (++n === 1 ? 'drop' : 204));
  await create(id);
  await waitFor('delivered', async () => (await rows(id))[0]?.state === 'delivered');
  const [row] = await rows(id);
  assert.deepEqual([row?.attempts, row?.lastStatus], [2, 204]);
  assert.equal(requestsFor(id).length, 2);
});

test('a retry that fails keeps the last error in the log', async () => {
  const id = newId();
  answers.set(id, () => 'drop');
  await create(id);
  const row = await waitFor('two failed attempts', async () => { const [r] = await rows(id); return r && r.attempts >= 2 && r.lockedUntil === null ? r : undefined; });
  assert.equal(row.state, 'pending');
  assert.equal(row.lastStatus, null);
  assert.match(row.lastError ?? '', /^no response: /);
  answers.set(id, () => 200);
  await waitFor('delivered after all', async () => (await rows(id))[0]?.state === 'delivered');
});

test('410: gone, and never attempted again', async () => {
  const gone = newId();
  answers.set(gone, () => 410);
  await create(gone);
  await waitFor('gone', async () => (await rows(gone))[0]?.state === 'gone');
  const [row] = await rows(gone);
  assert.deepEqual([row?.attempts, row?.lastStatus], [1, 410]);
  // Later events are still attempted (docs/webhooks.md); a few retry periods later, the gone one was sent once.
  const later = newId();
  await create(later);
  await waitFor('a later event delivered', async () => (await rows(later))[0]?.state === 'delivered');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(requestsFor(gone).length, 1);
});

test('ordering: a video\'s later events wait while its first one fails; another video\'s event goes through', async () => {
  const held = newId();
  const other = newId();
  let failing = true;
  answers.set(held, (r) => (failing && r.type === 'video.created' ? 500 : 200));
  await create(held);
  await t.app.sluice.store.updateVideo(held, { status: 'failed', playable: false, error: { code: 'SLUICE_ERR_MEDIA_UNREADABLE', message: 'x' } });
  await waitFor('two attempts of the first event', () => (requestsFor(held).length >= 2 ? true : undefined));
  await create(other);
  await waitFor('the other video delivered', async () => (await rows(other))[0]?.state === 'delivered');
  assert.deepEqual(eventTypes(receiver.received, held), ['video.created'], 'video.failed is held back');
  assert.ok(requestsFor(held).every((r) => r.type === 'video.created'));
  failing = false;
  await receiver.waitFor('both events of the held video', (r) => eventTypes(r, held).length === 2);
  const sequence = requestsFor(held).map((r) => r.type);
  assert.deepEqual(sequence.slice(sequence.indexOf('video.failed') - 1), ['video.created', 'video.failed'], 'failed after created was delivered');
  assert.equal(sequence.filter((x) => x === 'video.failed').length, 1);
});

test('a receiver that never answers does not hold processing back', async () => {
  const hanging = await startReceiver(SECRET, () => 'hang');
  const app = await startTestApp({ SLUICE_WEBHOOK_URLS: hanging.url, SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_TIMEOUT: '10m' });
  try {
    const r = await tusUpload(`${app.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), app.token({ aud: 'upload' }));
    await hanging.waitFor('video.created held open', (got) => got.some((x) => x.type === 'video.created'));
    const doc = await waitSettled(app.url, r.videoId, r.videoToken);
    assert.equal(doc.status, 'ready');
    assert.ok(hanging.hanging() >= 1, 'the receiver still holds the request');
    assert.equal((await getStatus(app.url, r.videoId, r.videoToken)).playable, true);
    assert.deepEqual(eventTypes(hanging.received, r.videoId), ['video.created'], 'later events wait behind the unanswered one');
  } finally {
    await app.close();
    await hanging.close();
  }
});
