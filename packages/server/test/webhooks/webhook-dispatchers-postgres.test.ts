/**
 * Two dispatchers (two nodes) on one PostgreSQL database and one real
 * receiver: every event is delivered, none is ever in flight twice at once,
 * and no event is sent more often than its row counts attempts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPostgres, type RunningPostgres } from '../../../../test/support/postgres.mjs';
import { Store } from '../../src/db/store.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { WebhookOutbox } from '../../src/webhooks/outbox.js';
import { createDatabase } from '../support/postgres-database.js';
import { waitFor } from '../support/test-app.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec-pg-0123456789abcdef';
let server: RunningPostgres;
let receiver: WebhookReceiver;
const inFlight = new Map<string, number>();
let overlaps = 0;

before(async () => {
  server = await startPostgres();
  receiver = await startReceiver(SECRET, (r, nth) => {
    const n = (inFlight.get(r.eventId) ?? 0) + 1;
    if (n > 1) overlaps += 1;
    inFlight.set(r.eventId, n);
    setTimeout(() => inFlight.set(r.eventId, (inFlight.get(r.eventId) ?? 1) - 1), 30);
    // Every third request fails once so that retries interleave with first attempts across the two nodes.
    return { status: nth % 3 === 0 ? 500 : 200, afterMs: 30 };
  });
});
after(async () => { await receiver?.close(); await server?.stop(); });

test('two dispatchers on one PostgreSQL never send one row twice at once, and deliver every event', async () => {
  const url = await createDatabase(server, 'webhook_dispatchers');
  const nodes = [await Store.open(url, { max: 4 }), await Store.open(url, { max: 4 })];
  const dispatchers: WebhookDispatcher[] = [];
  const results = [0, 0];
  try {
    nodes[0]!.useOutbox(new WebhookOutbox({ urls: [receiver.url], giveUpMs: 3_600_000, committed: () => dispatchers.forEach((d) => d.wake()) }));
    nodes.forEach((store, i) => dispatchers.push(new WebhookDispatcher({
      store, secret: SECRET, timeoutMs: 10_000, retry: { baseMs: 20, capMs: 100 }, pollMs: 100, concurrency: 4,
      onResult: () => { results[i]! += 1; },
    })));
    await Promise.all(dispatchers.map((d) => d.start()));
    for (let i = 0; i < 40; i++) await nodes[0]!.createVideo({ id: `v${i}`, status: 'uploading', title: '', filename: 'x', size: 1 });
    const rows = await waitFor('all delivered', async () => {
      const all = await nodes[0]!.webhooks.list({ limit: 100 });
      return all.length === 40 && all.every((r) => r.state === 'delivered') ? all : undefined;
    });
    assert.equal(overlaps, 0, 'no event was in flight twice at once');
    for (const row of rows) {
      const sent = receiver.received.filter((r) => r.eventId === row.eventId).length;
      assert.equal(sent, row.attempts, `event ${row.eventId}: sent ${sent} times, ${row.attempts} attempts recorded`);
    }
    assert.ok(results[0]! > 0 && results[1]! > 0, `both nodes delivered (${results.join(' / ')})`);
  } finally {
    for (const d of dispatchers) await d.close();
    for (const s of nodes) await s.close();
  }
});
