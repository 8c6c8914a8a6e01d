import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let videoId: string;
before(async () => {
  t = await startTestApp();
  videoId = 'a'.repeat(32);
  await t.app.sluice.store.createVideo({ id: videoId, status: 'ready', title: 'x', filename: 'x.mp4', size: 1 });
});
after(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });
async function code(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

test('demo mode mints tokens for anyone; the token works as Bearer and as ?token=', async () => {
  const res = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'playback', sub: videoId, ttl: '10m' }) });
  assert.equal(res.status, 200);
  const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
  assert.ok(Date.parse(expiresAt) > Date.now() + 9 * 60_000);
  assert.equal((await get(`/api/videos/${videoId}`, { authorization: `Bearer ${token}` })).status, 200);
  assert.equal((await get(`/api/videos/${videoId}?token=${token}`)).status, 200);
});

test('missing token → 401 SLUICE_ERR_AUTH_MISSING', async () => {
  const res = await get(`/api/videos/${videoId}`);
  assert.equal(res.status, 401);
  assert.equal(await code(res), 'SLUICE_ERR_AUTH_MISSING');
});

test('forged token (signed with another secret) → 401 SLUICE_ERR_AUTH_INVALID', async () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ aud: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}`;
  const forged = `${body}.${createHmac('sha256', 'not-the-secret-not-the-secret-not-the-secret').update(body).digest('base64url')}`;
  const res = await get('/api/videos', { authorization: `Bearer ${forged}` });
  assert.equal(res.status, 401);
  assert.equal(await code(res), 'SLUICE_ERR_AUTH_INVALID');
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
  assert.equal((await get('/api/videos', { authorization: `Bearer ${none}` })).status, 401);
});

test('expired token → 401 with a message saying so', async () => {
  const token = t.token({ aud: 'admin' }, 1);
  await new Promise((r) => setTimeout(r, 2100));
  const res = await get('/api/videos', { authorization: `Bearer ${token}` });
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'SLUICE_ERR_AUTH_INVALID');
  assert.match(body.error.message, /expired/);
});

test('wrong audience and wrong video → 403 SLUICE_ERR_AUTH_FORBIDDEN', async () => {
  const upload = t.token({ aud: 'upload' });
  let res = await get(`/api/videos/${videoId}`, { authorization: `Bearer ${upload}` });
  assert.equal(res.status, 403);
  assert.equal(await code(res), 'SLUICE_ERR_AUTH_FORBIDDEN');
  const other = t.token({ aud: 'playback', sub: 'b'.repeat(32) });
  res = await get(`/api/videos/${videoId}`, { authorization: `Bearer ${other}` });
  assert.equal(res.status, 403);
  const anyVideo = t.token({ aud: 'playback', sub: '*' });
  assert.equal((await get(`/api/videos/${videoId}`, { authorization: `Bearer ${anyVideo}` })).status, 200);
  // playback tokens cannot list or administer
  assert.equal((await get('/api/videos', { authorization: `Bearer ${anyVideo}` })).status, 403);
  assert.equal((await get('/api/admin/jobs', { authorization: `Bearer ${anyVideo}` })).status, 403);
  assert.equal((await get('/api/admin/jobs', { authorization: `Bearer ${t.token({ aud: 'admin' })}` })).status, 200);
});

test('token requests are validated', async () => {
  for (const body of [{ aud: 'root' }, { aud: 'playback', sub: '../x' }, { aud: 'upload', ttl: 'forever' }, { aud: 'playback', mediaTtl: -1 }]) {
    const res = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(await code(res), 'SLUICE_ERR_REQUEST_INVALID');
  }
});

test('outside demo mode, minting needs an admin token', async () => {
  const prod = await startTestApp({ SLUICE_DEMO: 'off' });
  try {
    const mint = (headers: Record<string, string>) => fetch(`${prod.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ aud: 'upload' }) });
    let res = await mint({});
    assert.equal(res.status, 401);
    assert.equal(await code(res), 'SLUICE_ERR_AUTH_DEMO_ONLY');
    res = await mint({ authorization: `Bearer ${prod.token({ aud: 'upload' })}` });
    assert.equal(res.status, 403);
    res = await mint({ authorization: `Bearer ${prod.token({ aud: 'admin' })}` });
    assert.equal(res.status, 200);
  } finally {
    await prod.close();
  }
});
