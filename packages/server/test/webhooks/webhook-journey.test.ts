/**
 * Webhooks end to end on a real server (port 0, real ffmpeg) and a real
 * receiver (port 0): a clip's created → playable → ready, signed and in
 * order; delete → deleted; a text file named .mp4 → failed; the admin
 * delivery log and redelivery; `sluice webhooks test`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { waitSettled } from '../support/api.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { eventTypes, startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const run = promisify(execFile);
const SECRET = 'whsec-journey-0123456789abcdef';
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
let receiver: WebhookReceiver;
let t: TestApp;

before(async () => {
  receiver = await startReceiver(SECRET);
  t = await startTestApp({ SLUICE_WEBHOOK_URLS: receiver.url, SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '100ms..500ms' });
});
after(async () => { await t.close(); await receiver.close(); });

async function upload(name: string): Promise<{ id: string; token: string }> {
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, name), t.token({ aud: 'upload' }));
  return { id: r.videoId, token: r.videoToken };
}

interface Delivery { id: number; eventId: string; type: string; endpoint: string; videoId: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null; nextAttemptAt: string | null; createdAt: string; deliveredAt: string | null }

async function deliveries(query = ''): Promise<Delivery[]> {
  const res = await fetch(`${t.url}/api/admin/webhooks/deliveries?${query}`, { headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
}

test('a clip: video.created, video.playable, video.ready in order, signed, without links; delete → video.deleted', async () => {
  const { id, token } = await upload('tiny-2s.mp4');
  const doc = await waitSettled(t.url, id, token);
  assert.equal(doc.status, 'ready');
  await receiver.waitFor('video.ready', (r) => eventTypes(r, id).includes('video.ready'));
  assert.deepEqual(eventTypes(receiver.received, id), ['video.created', 'video.playable', 'video.ready']);
  const mine = receiver.received.filter((r) => r.event.data.id === id);
  assert.ok(mine.every((r) => r.verified), 'every request verifies with the exported helper');
  assert.ok(mine.every((r) => r.eventId === r.event.id && r.type === r.event.type));
  const ready = mine.find((r) => r.type === 'video.ready')!;
  assert.deepEqual([ready.event.data.status, ready.event.data.playable, ready.event.data.progress, ready.event.data.duration], ['ready', true, 1, doc.duration]);
  assert.deepEqual(ready.event.data.renditions, doc.renditions);
  for (const key of ['hls', 'mp4', 'poster', 'storyboard', 'expiresAt']) assert.ok(!(key in ready.event.data), `no ${key}`);
  assert.ok(!ready.body.includes('token='), 'no token anywhere in the body');
  assert.match(ready.event.createdAt, /^\d{4}-\d\d-\d\dT/);

  const del = await fetch(`${t.url}/api/videos/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}` } });
  assert.equal(del.status, 204);
  await receiver.waitFor('video.deleted', (r) => eventTypes(r, id).includes('video.deleted'));
  assert.deepEqual(eventTypes(receiver.received, id), ['video.created', 'video.playable', 'video.ready', 'video.deleted']);
  const logged = await deliveries(`video=${id}`);
  assert.deepEqual(logged.map((d) => [d.type, d.state, d.attempts, d.lastStatus]), [
    ['video.deleted', 'delivered', 1, 200], ['video.ready', 'delivered', 1, 200], ['video.playable', 'delivered', 1, 200], ['video.created', 'delivered', 1, 200],
  ]);
  assert.ok(logged.every((d) => d.endpoint === receiver.url && d.videoId === id && d.deliveredAt && d.nextAttemptAt === null && d.lastError === null));
  // The dispatcher's results reach GET /metrics (metrics/metrics.ts webhookDelivery).
  const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}` } })).text();
  const delivered = /^sluice_webhook_deliveries_total\{result="delivered"\} (\d+)$/m.exec(metrics);
  assert.ok(delivered && Number(delivered[1]) >= 4, `delivered counter: ${delivered?.[0] ?? 'missing'}`);
});

test('a text file named .mp4: video.created then video.failed with the error', async () => {
  const { id, token } = await upload('text.mp4');
  assert.equal((await waitSettled(t.url, id, token)).status, 'failed');
  await receiver.waitFor('video.failed', (r) => eventTypes(r, id).includes('video.failed'));
  assert.deepEqual(eventTypes(receiver.received, id), ['video.created', 'video.failed']);
  const failed = receiver.received.find((r) => r.event.data.id === id && r.type === 'video.failed')!;
  assert.equal((failed.event.data.error as { code: string }).code, 'SLUICE_ERR_MEDIA_UNREADABLE');
});

test('admin API: the log filters and pages; redeliver sends the same event id and bytes again; errors have codes', async () => {
  const all = await deliveries('limit=500');
  assert.ok(all.length >= 6);
  assert.ok(all.every((d, i) => i === 0 || d.id < all[i - 1]!.id), 'newest first');
  const page = await deliveries('limit=2');
  assert.deepEqual(page.map((d) => d.id), all.slice(0, 2).map((d) => d.id));
  assert.deepEqual((await deliveries(`limit=2&before=${page[1]!.id}`)).map((d) => d.id), all.slice(2, 4).map((d) => d.id));
  assert.ok((await deliveries('state=delivered')).length === all.length);
  assert.deepEqual(await deliveries('state=gone'), []);

  const target = all.find((d) => d.type === 'video.failed')!;
  const first = receiver.received.find((r) => r.eventId === target.eventId)!;
  const before = receiver.received.length;
  const admin = { authorization: `Bearer ${t.token({ aud: 'admin' })}` };
  const res = await fetch(`${t.url}/api/admin/webhooks/deliveries/${target.id}/redeliver`, { method: 'POST', headers: admin });
  assert.equal(res.status, 202);
  const { delivery } = (await res.json()) as { delivery: Delivery };
  assert.deepEqual([delivery.eventId, delivery.state, delivery.type], [target.eventId, 'pending', 'video.failed']);
  assert.ok(delivery.id > target.id);
  await receiver.waitFor('the redelivery', (r) => r.length > before && r.slice(before).some((x) => x.eventId === target.eventId));
  const again = receiver.received.slice(before).find((x) => x.eventId === target.eventId)!;
  assert.equal(again.body, first.body, 'identical bytes');
  assert.equal(again.verified, true);
  for (let i = 0; (await deliveries(`video=${target.videoId}&state=pending`)).length > 0; i++) {
    assert.ok(i < 100, 'the redelivery is recorded');
    await new Promise((r) => setTimeout(r, 50));
  }

  const missing = await fetch(`${t.url}/api/admin/webhooks/deliveries/999999/redeliver`, { method: 'POST', headers: admin });
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_WEBHOOK_DELIVERY_NOT_FOUND');
  const bad = await fetch(`${t.url}/api/admin/webhooks/deliveries?state=lost`, { headers: admin });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_REQUEST_INVALID');
  const upload = await fetch(`${t.url}/api/admin/webhooks/deliveries`, { headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}` } });
  assert.equal(upload.status, 403, 'admin only');
  assert.equal((await fetch(`${t.url}/api/admin/webhooks/deliveries`)).status, 401);
});

test('redelivery on a server without webhooks: SLUICE_ERR_WEBHOOK_DISABLED', async () => {
  const plain = await startTestApp();
  try {
    const res = await fetch(`${plain.url}/api/admin/webhooks/deliveries/1/redeliver`, { method: 'POST', headers: { authorization: `Bearer ${plain.token({ aud: 'admin' })}` } });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_WEBHOOK_DISABLED');
  } finally {
    await plain.close();
  }
});

test('sluice webhooks test <url>: one signed webhook.test event; exit 0 on 2xx, 1 otherwise', async () => {
  const env = { ...process.env, SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_DATA_DIR: t.config.dataDir };
  const before = receiver.received.length;
  const ok = await run(process.execPath, ['--import', 'tsx', CLI, 'webhooks', 'test', receiver.url], { env });
  assert.match(ok.stdout, /^delivered: HTTP 200 in \d+ ms \(event evt_[0-9a-f]{32}\)\n$/);
  const got = receiver.received.slice(before);
  assert.equal(got.length, 1);
  assert.deepEqual([got[0]!.type, got[0]!.event.type, got[0]!.verified], ['webhook.test', 'webhook.test', true]);

  const saved = receiver.respond;
  receiver.respond = () => 503;
  try {
    await assert.rejects(run(process.execPath, ['--import', 'tsx', CLI, 'webhooks', 'test', receiver.url], { env }), (err: { code?: number; stdout?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout ?? '', /^not delivered: HTTP 503/);
      return true;
    });
  } finally {
    receiver.respond = saved;
  }
  await assert.rejects(run(process.execPath, ['--import', 'tsx', CLI, 'webhooks', 'test', receiver.url], { env: { ...env, SLUICE_WEBHOOK_SECRET: '' } }), /SLUICE_WEBHOOK_SECRET is not set/);
});

test('caption tracks: captions.created, captions.updated, captions.deleted, each with the track and no links; video events carry no captions', async () => {
  const { id, token } = await upload('tiny-2s.mp4');
  await waitSettled(t.url, id, token);
  const admin = { authorization: `Bearer ${t.token({ aud: 'admin' })}`, 'content-type': 'application/json' };
  const base = `${t.url}/api/videos/${id}/captions`;
  const added = await fetch(base, { method: 'POST', headers: admin, body: JSON.stringify({ lang: 'en', label: 'English', text: 'WEBVTT\n\n00:00.500 --> 00:01.500\nHello\n' }) });
  assert.equal(added.status, 201, await added.clone().text());
  const track = (await added.json()) as { id: string };
  const replaced = await fetch(`${base}/${track.id}`, { method: 'PUT', headers: admin, body: JSON.stringify({ lang: 'en', label: 'English (SDH)', closedCaptions: true, kind: 'captions', text: 'WEBVTT\n\n00:00.500 --> 00:01.500\n[music] Hello\n' }) });
  assert.equal(replaced.status, 200, await replaced.clone().text());
  const removed = await fetch(`${base}/${track.id}`, { method: 'DELETE', headers: { authorization: admin.authorization } });
  assert.equal(removed.status, 204);
  const captionTypes = (): string[] => receiver.received.filter((r) => r.type.startsWith('captions.') && (r.event.data as { videoId?: string }).videoId === id).map((r) => r.type);
  await receiver.waitFor('captions.deleted', () => captionTypes().includes('captions.deleted'));
  assert.deepEqual(captionTypes(), ['captions.created', 'captions.updated', 'captions.deleted']);
  const mine = receiver.received.filter((r) => r.type.startsWith('captions.') && (r.event.data as { videoId?: string }).videoId === id);
  assert.ok(mine.every((r) => r.verified));
  assert.deepEqual(mine.map((r) => r.event.data), [
    { videoId: id, track: { id: track.id, lang: 'en', label: 'English', kind: 'subtitles', default: false, closedCaptions: false, source: 'upload' } },
    { videoId: id, track: { id: track.id, lang: 'en', label: 'English (SDH)', kind: 'captions', default: false, closedCaptions: true, source: 'upload' } },
    { videoId: id, track: { id: track.id, lang: 'en', label: 'English (SDH)', kind: 'captions', default: false, closedCaptions: true, source: 'upload' } },
  ]);
  assert.ok(!mine.some((r) => r.body.includes('token=') || r.body.includes('sig=')), 'no signed URL in caption events');
  const ready = receiver.received.find((r) => r.type === 'video.ready' && r.event.data.id === id)!;
  assert.ok(!('captions' in ready.event.data), 'video events leave the signed caption links out');
  const logged = await deliveries(`video=${id}`);
  assert.deepEqual(logged.filter((d) => d.type.startsWith('captions.')).map((d) => [d.type, d.state]), [['captions.deleted', 'delivered'], ['captions.updated', 'delivered'], ['captions.created', 'delivered']]);
});
