/**
 * Signing and verification as a receiver sees them: a real receiver on port 0
 * gets a signed POST and checks it with the helper @sluice/server exports;
 * a tampered body, a wrong secret, an old (or future) timestamp and malformed
 * headers fail; rotation (two v1) passes with either secret.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signWebhookPayload, verifyWebhookSignature } from '../../src/index.js';
import { postEvent } from '../../src/webhooks/post-event.js';
import { retryDelayMs } from '../../src/webhooks/backoff.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec-test-0123456789abcdef';
let receiver: WebhookReceiver;
before(async () => { receiver = await startReceiver(SECRET); });
after(async () => { await receiver.close(); });

test('a POST signed by the dispatcher verifies at the receiver with the exported helper; headers name the event', async () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'video.ready', createdAt: new Date().toISOString(), data: { id: 'v', status: 'ready' } });
  const r = await postEvent({ url: receiver.url, body, eventId: 'evt_1', type: 'video.ready', secret: SECRET, timeoutMs: 5000 });
  assert.equal(r.status, 200);
  const got = receiver.received.at(-1)!;
  assert.equal(got.verified, true);
  assert.equal(got.body, body, 'the exact bytes');
  assert.equal(got.eventId, 'evt_1');
  assert.equal(got.type, 'video.ready');
  assert.match(got.userAgent, /^Sluice-Webhooks\/\d+\.\d+\.\d+$/);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(got.signature);
  assert.ok(m, got.signature);
  assert.equal(m[2], createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest('hex'), 'HMAC-SHA256(secret, "<t>.<body>"), as documented');
  assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 60);
});

test('tampered body, wrong secret, old or future timestamp, malformed headers: false', () => {
  const body = '{"id":"evt_2","type":"video.created"}';
  const now = Date.now();
  const t = Math.floor(now / 1000);
  const header = signWebhookPayload(body, SECRET, t);
  assert.equal(verifyWebhookSignature(body, header, SECRET, { now }), true);
  assert.equal(verifyWebhookSignature(Buffer.from(body), header, SECRET, { now }), true, 'raw Buffer bodies too');
  assert.equal(verifyWebhookSignature(body.replace('created', 'deleted'), header, SECRET, { now }), false, 'tampered body');
  assert.equal(verifyWebhookSignature(`${body} `, header, SECRET, { now }), false, 'one byte more');
  assert.equal(verifyWebhookSignature(body, header, 'another-secret-0123456789', { now }), false, 'wrong secret');
  assert.equal(verifyWebhookSignature(body, signWebhookPayload(body, SECRET, t - 301), SECRET, { now }), false, 'older than 300 s');
  assert.equal(verifyWebhookSignature(body, signWebhookPayload(body, SECRET, t - 299), SECRET, { now }), true, 'within 300 s');
  assert.equal(verifyWebhookSignature(body, signWebhookPayload(body, SECRET, t - 299), SECRET, { now, toleranceSeconds: 60 }), false, 'a tighter tolerance');
  assert.equal(verifyWebhookSignature(body, signWebhookPayload(body, SECRET, t + 400), SECRET, { now }), false, 'from the future');
  // The timestamp is signed: moving it forward to look fresh breaks the signature.
  const replayed = signWebhookPayload(body, SECRET, t - 1000).replace(`t=${t - 1000}`, `t=${t}`);
  assert.equal(verifyWebhookSignature(body, replayed, SECRET, { now }), false, 'a replay with a rewritten timestamp');
  for (const bad of ['', 'garbage', `t=${t}`, `v1=${'0'.repeat(64)}`, `t=${t},v1=abc`, `t=x,${header.split(',')[1]!}`, `t=${t},v1=${'0'.repeat(64)}`]) {
    assert.equal(verifyWebhookSignature(body, bad, SECRET, { now }), false, bad);
  }
  assert.equal(verifyWebhookSignature(body, undefined, SECRET), false);
  assert.equal(verifyWebhookSignature(body, header, '', { now }), false, 'an empty secret verifies nothing');
});

test('rotation: a header with two v1 verifies with either secret, not with a third', () => {
  const body = '{"id":"evt_3"}';
  const header = signWebhookPayload(body, ['old-secret-0123456789', 'new-secret-0123456789']);
  assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 2);
  assert.equal(verifyWebhookSignature(body, header, 'old-secret-0123456789'), true);
  assert.equal(verifyWebhookSignature(body, header, 'new-secret-0123456789'), true);
  assert.equal(verifyWebhookSignature(body, header, 'third-secret-0123456789'), false);
});

test('backoff: full jitter under min(cap, base·2^(n−1))', () => {
  const b = { baseMs: 1000, capMs: 8000 };
  assert.deepEqual([1, 2, 3, 4, 5, 30].map((n) => retryDelayMs(n, b, () => 1)), [1000, 2000, 4000, 8000, 8000, 8000]);
  assert.equal(retryDelayMs(3, b, () => 0), 0);
  assert.equal(retryDelayMs(3, b, () => 0.5), 2000);
});

test('the Python verifier in docs/webhooks.md accepts a Sluice signature and refuses a tampered body or wrong secret', async () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'webhooks.md'), 'utf8');
  const python = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(python, 'docs/webhooks.md has a python block');
  const body = JSON.stringify({ id: 'evt_py', type: 'video.ready', data: { title: 'Ünïcødé 🎬' } });
  const header = signWebhookPayload(body, ['rotated-out-0123456789', SECRET]);
  const script = `${python}
import sys
body = sys.stdin.buffer.read()
print(verify_sluice_signature(body, sys.argv[1], sys.argv[2]), verify_sluice_signature(body + b" ", sys.argv[1], sys.argv[2]), verify_sluice_signature(body, sys.argv[1], "wrong-secret-0123456789"))
`;
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile('python3', ['-c', script, header, SECRET], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin?.end(Buffer.from(body, 'utf8'));
  });
  assert.equal(out.trim(), 'True False False');
});
