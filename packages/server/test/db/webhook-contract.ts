/**
 * The webhook outbox half of the Store contract, run by both engines: rows
 * written in the transaction of the status change (and not when it fails),
 * atomic leased claims, per-(endpoint, video) ordering, fenced settling,
 * 410 cascade, release, the log and redelivery, and concurrent claimers on
 * separate connections never sharing a row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaseOf, type Store, type WebhookDeliveryRecord } from '../../src/db/store.js';
import { WebhookOutbox } from '../../src/webhooks/outbox.js';
import type { StoreSubject } from './contract.js';

const A = 'http://a.example/hook';
const B = 'http://b.example/hook';
const LEASE = 60_000;
const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

function outboxed(store: Store, urls = [A, B]): { commits: number } {
  const seen = { commits: 0 };
  store.useOutbox(new WebhookOutbox({ urls, giveUpMs: 3_600_000, committed: () => { seen.commits += 1; } }));
  return seen;
}

async function processed(store: Store, id: string): Promise<void> {
  await store.createVideo({ id, status: 'uploading', title: id, filename: `${id}.mp4`, size: 1 });
  const job = await store.enqueueJob(id);
  const claimed = await store.claimJob(job.id);
  const lease = leaseOf(claimed!);
  await store.updateVideoForJob(lease, { status: 'processing', progress: 0 });
  await store.updateVideoForJob(lease, { progress: 0.5 });
  await store.updateVideoForJob(lease, { playable: true });
  await store.updateVideoForJob(lease, { status: 'ready', progress: 1, playable: true });
}

const types = (rows: WebhookDeliveryRecord[]): string[] => rows.map((r) => `${r.type}→${r.endpoint === A ? 'A' : 'B'}`);

export function describeWebhookContract(fresh: () => Promise<StoreSubject>): void {
  test('webhooks: each status change writes one row per event × endpoint, same event id and body for both endpoints', async () => {
    const { store } = await fresh();
    const seen = outboxed(store);
    await processed(store, 'v1');
    await store.updateVideo('v1', { status: 'failed', playable: false, error: { code: 'SLUICE_ERR_X', message: 'x' } });
    await store.deleteVideo('v1');
    const rows = (await store.webhooks.list({ limit: 100 })).reverse();
    assert.deepEqual(types(rows), ['video.created→A', 'video.created→B', 'video.playable→A', 'video.playable→B', 'video.ready→A', 'video.ready→B',
      'video.failed→A', 'video.failed→B', 'video.deleted→A', 'video.deleted→B']);
    for (let i = 0; i < rows.length; i += 2) {
      assert.equal(rows[i]!.eventId, rows[i + 1]!.eventId);
      assert.equal(rows[i]!.body, rows[i + 1]!.body);
    }
    assert.equal(new Set(rows.map((r) => r.eventId)).size, 5, 'one id per event');
    const ready = JSON.parse(rows[4]!.body) as { id: string; type: string; createdAt: string; data: Record<string, unknown> };
    assert.deepEqual(Object.keys(ready).sort(), ['createdAt', 'data', 'id', 'type']);
    assert.equal(ready.id, rows[4]!.eventId);
    assert.deepEqual([ready.data.id, ready.data.status, ready.data.playable, ready.data.progress], ['v1', 'ready', true, 1]);
    for (const key of ['hls', 'mp4', 'poster', 'storyboard', 'expiresAt', 'url', 'token']) assert.ok(!(key in ready.data), `no ${key} in data`);
    assert.ok(rows.every((r) => r.state === 'pending' && r.attempts === 0 && r.videoId === 'v1'));
    assert.equal(seen.commits, 5, 'committed() once per transaction that added rows (progress and processing add none)');
  });

  test('webhooks: a write that fails adds no row; no outbox, no rows', async () => {
    const { store } = await fresh();
    await store.createVideo({ id: 'before', status: 'uploading', title: '', filename: 'a', size: 1 });
    outboxed(store);
    await assert.rejects(store.createVideo({ id: 'before', status: 'uploading', title: '', filename: 'a', size: 1 }));
    const stale = await store.updateVideoForJob({ jobId: 999, fence: 1 }, { status: 'ready', playable: true });
    assert.equal(stale.ok, false);
    assert.deepEqual(await store.webhooks.list({ limit: 10 }), []);
    store.useOutbox(undefined);
    await store.updateVideo('before', { status: 'ready', playable: true });
    assert.deepEqual(await store.webhooks.list({ limit: 10 }), []);
  });

  test('webhooks: claims take the oldest pending row per (endpoint, video) only; leased rows are not claimed again', async () => {
    const { store } = await fresh();
    outboxed(store, [A]);
    await store.createVideo({ id: 'v1', status: 'uploading', title: '', filename: 'a', size: 1 });
    await store.updateVideo('v1', { status: 'failed', error: { code: 'SLUICE_ERR_X', message: 'x' } });
    await store.createVideo({ id: 'v2', status: 'uploading', title: '', filename: 'b', size: 1 });
    const first = await store.webhooks.claimDue(10, LEASE);
    assert.deepEqual(first.map((r) => [r.videoId, r.type, r.attempts]), [['v1', 'video.created', 1], ['v2', 'video.created', 1]]);
    assert.ok(first.every((r) => r.lockedUntil !== null));
    assert.deepEqual(await store.webhooks.claimDue(10, LEASE), [], 'v1 failed waits behind v1 created (leased)');
    // A retry keeps the order: the later event still waits.
    const [v1, v2] = first;
    assert.ok(await store.webhooks.settle(v1!, { kind: 'retry', status: 500, error: 'answered HTTP 500', nextAttemptAt: later(60_000) }));
    assert.ok(await store.webhooks.settle(v2!, { kind: 'delivered', status: 200 }));
    assert.deepEqual(await store.webhooks.claimDue(10, LEASE), [], 'not due yet, and v1 failed still waits');
    const v1Row = await store.webhooks.get(v1!.id);
    assert.deepEqual([v1Row?.state, v1Row?.attempts, v1Row?.lastStatus, v1Row?.lastError, v1Row?.lockedUntil], ['pending', 1, 500, 'answered HTTP 500', null]);
    const v2Row = await store.webhooks.get(v2!.id);
    assert.deepEqual([v2Row?.state, v2Row?.lastError], ['delivered', null]);
    assert.ok(v2Row?.deliveredAt);
  });

  test('webhooks: settling is fenced by the attempt; failed lets the next row go; 410 stops every pending row to the endpoint', async () => {
    const { store } = await fresh();
    outboxed(store, [A]);
    await store.createVideo({ id: 'v1', status: 'uploading', title: '', filename: 'a', size: 1 });
    await store.updateVideo('v1', { status: 'failed', error: { code: 'SLUICE_ERR_X', message: 'x' } });
    const [created] = await store.webhooks.claimDue(10, 1);
    await new Promise((r) => setTimeout(r, 10)); // the 1 ms lease runs out: another dispatcher may take the row
    const [again] = await store.webhooks.claimDue(10, LEASE);
    assert.equal(again?.id, created?.id);
    assert.equal(again?.attempts, 2);
    assert.equal(await store.webhooks.settle(created!, { kind: 'delivered', status: 200 }), false, 'the stale claim is refused');
    assert.ok(await store.webhooks.settle(again!, { kind: 'failed', status: 500, error: 'gave up' }));
    const [failedNext] = await store.webhooks.claimDue(10, LEASE);
    assert.equal(failedNext?.type, 'video.failed', 'a failed row no longer holds the next one');
    await store.createVideo({ id: 'v2', status: 'uploading', title: '', filename: 'b', size: 1 });
    assert.ok(await store.webhooks.settle(failedNext!, { kind: 'gone', status: 410, error: 'answered HTTP 410' }));
    const all = await store.webhooks.list({ limit: 10 });
    assert.deepEqual(all.map((r) => [r.type, r.state]), [['video.created', 'gone'], ['video.failed', 'gone'], ['video.created', 'failed']]);
    assert.deepEqual(await store.webhooks.claimDue(10, LEASE), []);
  });

  test('webhooks: release frees leases; the log filters and pages newest first; redelivery is a new row of the same event', async () => {
    const { store } = await fresh();
    outboxed(store, [A]);
    for (const id of ['v1', 'v2', 'v3']) await store.createVideo({ id, status: 'uploading', title: '', filename: id, size: 1 });
    const claimed = await store.webhooks.claimDue(2, LEASE);
    assert.equal(claimed.length, 2);
    assert.equal(await store.webhooks.release([claimed[0]!.id]), 1);
    assert.deepEqual((await store.webhooks.claimDue(10, LEASE)).map((r) => r.videoId), ['v1', 'v3']);
    assert.equal(await store.webhooks.release(), 3);
    const page1 = await store.webhooks.list({ limit: 2 });
    assert.deepEqual(page1.map((r) => r.videoId), ['v3', 'v2']);
    assert.deepEqual((await store.webhooks.list({ limit: 2, before: page1[1]!.id })).map((r) => r.videoId), ['v1']);
    assert.deepEqual((await store.webhooks.list({ limit: 9, videoId: 'v2' })).map((r) => r.videoId), ['v2']);
    const [v1] = await store.webhooks.claimDue(1, LEASE);
    await store.webhooks.settle(v1!, { kind: 'delivered', status: 204 });
    assert.deepEqual((await store.webhooks.list({ limit: 9, state: 'delivered' })).map((r) => r.videoId), ['v1']);
    const again = await store.webhooks.redeliver(v1!.id, later(60_000));
    assert.ok(again && again.id > v1!.id);
    assert.deepEqual([again.eventId, again.body, again.state, again.attempts], [v1!.eventId, v1!.body, 'pending', 0]);
    assert.deepEqual((await store.webhooks.byEvent(v1!.eventId)).map((r) => r.state), ['delivered', 'pending']);
    assert.equal(await store.webhooks.redeliver(424242, later(1)), undefined);
  });

  test('webhooks: 6 dispatchers on their own connections claiming 30 rows at once never share a row', async () => {
    const subject = await fresh();
    outboxed(subject.store, [A]);
    for (let i = 0; i < 30; i++) await subject.store.createVideo({ id: `c${i}`, status: 'uploading', title: '', filename: 'x', size: 1 });
    const claimers = await Promise.all(Array.from({ length: 6 }, () => subject.another()));
    const got: number[] = [];
    await Promise.all(claimers.map(async (s) => {
      for (;;) {
        const rows = await s.webhooks.claimDue(3, LEASE);
        if (rows.length === 0) return;
        got.push(...rows.map((r) => r.id));
      }
    }));
    assert.equal(got.length, 30, 'every row claimed');
    assert.equal(new Set(got).size, 30, 'no row claimed twice');
  });
}
