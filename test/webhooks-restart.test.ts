// Webhook durability through the real `sluice start` process: events written
// while the receiver is down survive a SIGKILL of the server and are all
// delivered after it restarts — each event id at least once, no event lost,
// duplicates only ever with the same id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSluice } from './support/sluice-server.mjs';
import { tusUpload } from '../packages/server/test/support/tus.js';
import { waitSettled } from '../packages/server/test/support/api.js';
import { FIXTURES } from '../packages/server/test/support/test-app.js';
import { eventTypes, startReceiver } from '../packages/server/test/support/webhook-receiver.js';

const SECRET = 'whsec-restart-0123456789abcdef';

async function mint(url: string, body: object): Promise<string> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

test('events of a video processed while the receiver is down survive a SIGKILL and are delivered after the restart', async () => {
  // Reserve a port, then close it: the receiver is "down" (connection refused) until it listens there again.
  const probe = await startReceiver(SECRET);
  const port = probe.port;
  await probe.close();
  const env = { SLUICE_SEGMENT_SECONDS: '2', SLUICE_WEBHOOK_URLS: `http://127.0.0.1:${port}/hooks`, SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '200ms..1s' };
  let server = await startSluice({ env });
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  try {
    const upload = await mint(server.url, { aud: 'upload' });
    const { videoId, videoToken } = await tusUpload(`${server.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), upload);
    assert.equal((await waitSettled(server.url, videoId, videoToken)).status, 'ready');
    const admin = await mint(server.url, { aud: 'admin' });
    const log = async (url: string): Promise<Array<{ type: string; state: string; attempts: number; eventId: string; lastError: string | null }>> =>
      ((await (await fetch(`${url}/api/admin/webhooks/deliveries?video=${videoId}&token=${admin}`)).json()) as { deliveries: Array<{ type: string; state: string; attempts: number; eventId: string; lastError: string | null }> }).deliveries;
    // Wait until the dispatcher has tried (and failed) the first event twice — the later ones wait behind it — then crash.
    for (let i = 0; ; i++) {
      const rows = (await log(server.url)).reverse();
      if (rows.length === 3 && rows[0]!.attempts >= 2) {
        assert.match(rows[0]!.lastError ?? '', /ECONNREFUSED/);
        assert.deepEqual(rows.map((r) => [r.type, r.state]), [['video.created', 'pending'], ['video.playable', 'pending'], ['video.ready', 'pending']]);
        assert.deepEqual(rows.slice(1).map((r) => r.attempts), [0, 0], 'held behind the first event of the video');
        break;
      }
      assert.ok(i < 600, `the dispatcher never tried: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = await log(server.url);
    await server.kill();

    receiver = await startReceiver(SECRET, () => 200, port);
    server = await startSluice({ env, dataDir: server.dataDir });
    await receiver.waitFor('every event', (r) => eventTypes(r, videoId).length === 3);
    assert.deepEqual(eventTypes(receiver.received, videoId), ['video.created', 'video.playable', 'video.ready'], 'in order');
    const ids = new Set(before.map((r) => r.eventId));
    const mine = receiver.received.filter((r) => r.event.data.id === videoId);
    assert.ok(mine.every((r) => ids.has(r.eventId)), 'only the events written before the crash, with their ids');
    assert.ok(mine.every((r) => r.verified));
    for (const id of ids) {
      const copies = mine.filter((r) => r.eventId === id);
      assert.equal(new Set(copies.map((c) => c.body)).size, 1, 'a duplicate is the same bytes');
    }
    for (let i = 0; ; i++) {
      const after = await log(server.url);
      if (after.every((r) => r.state === 'delivered')) break;
      assert.ok(i < 200, JSON.stringify(after));
      await new Promise((r) => setTimeout(r, 50));
    }
    // Nothing was in flight at the crash (the receiver was down), so exactly once each.
    assert.equal(mine.length, 3, `each event delivered once: ${JSON.stringify(mine.map((r) => r.type))}`);
  } finally {
    await server.stop();
    await receiver?.close();
  }
});
