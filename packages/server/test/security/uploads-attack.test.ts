// An attacker with an upload token (anyone, in demo mode) against a real
// server: someone else's upload stays out of reach (404, never 403), a
// deferred length cannot dodge maxBytes, and every tus error is our JSON.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { mintToken } from '../../src/auth/tokens.js';
import { loadConfig, resolveSecret } from '../../src/config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => { t = await startTestApp({ SLUICE_MAX_UPLOAD: '2MB' }); await t.app.sluice.queue.stop(); });
after(() => t.close());

const tus = (token: string, extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, ...extra });
const octets = { 'content-type': 'application/offset+octet-stream' };
const meta = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function create(token: string, length: number, body?: string): Promise<{ id: string; url: string }> {
  const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tus(token, { 'upload-length': String(length), 'upload-metadata': meta({ filename: 'private-board-meeting.mp4' }), ...(body ? octets : {}) }), ...(body ? { body } : {}) });
  assert.equal(res.status, 201, await res.clone().text());
  return { id: res.headers.get('sluice-video-id')!, url: res.headers.get('location')! };
}

/** Every way another token could reach an upload, all expected to answer 404 JSON. */
async function assertOutOfReach(token: string, urls: string[]): Promise<void> {
  for (const url of urls) {
    for (const [method, extra, body] of [['HEAD', {}], ['PATCH', { 'upload-offset': '4', ...octets }, 'EVIL'], ['DELETE', {}], ['GET', {}]] as const) {
      const res = await fetch(url, { method, headers: tus(token, extra), ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${url} → ${res.status}`);
      assert.equal(res.headers.get('upload-metadata'), null, 'the filename leaked');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      if (method !== 'HEAD') assert.match(await code(res), /^SLUICE_ERR_(UPLOAD|REQUEST)_NOT_FOUND$/);
    }
  }
}

test('another upload token cannot see, resume, cancel or download an upload by its (public) id', async () => {
  const alice = t.token({ aud: 'upload' });
  const mallory = t.token({ aud: 'upload' });
  const { id, url } = await create(alice, 10, 'SECR');
  const key = url.split('.').pop()!;
  const other = await create(mallory, 10);
  await assertOutOfReach(mallory, [
    `${t.url}/api/uploads/${id}`,
    `${t.url}/api/uploads/${id}.${'A'.repeat(key.length)}`,
    `${t.url}/api/uploads/${id}.${key.slice(0, -1)}`,
    `${t.url}/api/uploads/${id}.${other.url.split('.').pop()!}`,
    `${t.url}/api/uploads/${id}.${key}.${key}`,
    `${t.url}/api/uploads/${id}/${key}`,
  ]);
  // the upload is untouched and still the creator's
  const head = await fetch(url, { method: 'HEAD', headers: tus(alice) });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), '4');
  assert.match(head.headers.get('upload-metadata') ?? '', /filename/);
  assert.equal(readFileSync(t.app.sluice.layout.original(id), 'utf8'), 'SECR');
  assert.equal((await t.app.sluice.store.getVideo(id))?.status, 'uploading');
  const rest = await fetch(url, { method: 'PATCH', headers: tus(alice, { 'upload-offset': '4', ...octets }), body: 'ET-123' });
  assert.equal(rest.status, 204);
  assert.equal(readFileSync(t.app.sluice.layout.original(id), 'utf8'), 'SECRET-123');
  // The capability is what grants: whoever holds the URL of a sub-less upload may use it (tus resume with a refreshed token).
  assert.equal((await fetch(other.url, { method: 'HEAD', headers: tus(t.token({ aud: 'upload' })) })).status, 200);
});

test('an upload created by a token with a sub also needs that sub, even with the URL', async () => {
  const alice = t.token({ aud: 'upload', sub: 'alice' });
  const { id, url } = await create(alice, 10, 'abc');
  assert.equal((await t.app.sluice.store.getVideo(id))?.owner, 'alice');
  await assertOutOfReach(t.token({ aud: 'upload', sub: 'bob' }), [url]);
  await assertOutOfReach(t.token({ aud: 'upload' }), [url]);
  // a fresh token for the same sub resumes (tokens are short-lived; the user is not)
  const again = t.token({ aud: 'upload', sub: 'alice' }, 600);
  const head = await fetch(url, { method: 'HEAD', headers: tus(again) });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), '3');
  assert.equal(readFileSync(t.app.sluice.layout.original(id), 'utf8'), 'abc');
});

test('a finished upload cannot be terminated through tus: the original stays', async () => {
  const token = t.token({ aud: 'upload' });
  const { id, url } = await create(token, 5, 'hello');
  const del = await fetch(url, { method: 'DELETE', headers: tus(token) });
  assert.equal(del.status, 400);
  assert.equal(await code(del), 'SLUICE_ERR_UPLOAD_FINISHED');
  assert.equal(readFileSync(t.app.sluice.layout.original(id), 'utf8'), 'hello');
  assert.equal((await t.app.sluice.store.getVideo(id))?.status, 'queued');
});

test('Upload-Defer-Length cannot bypass the token\'s maxBytes nor SLUICE_MAX_UPLOAD: 413, nothing stored beyond the limit', async () => {
  const token = t.token({ aud: 'upload', maxBytes: 1000 });
  const deferred = async (tok: string) => {
    const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tus(tok, { 'upload-defer-length': '1' }) });
    assert.equal(res.status, 201);
    return { id: res.headers.get('sluice-video-id')!, url: res.headers.get('location')! };
  };
  const stored = (id: string) => statSync(t.app.sluice.layout.original(id)).size;
  const tooLarge = async (res: Response) => {
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(await code(res), 'SLUICE_ERR_UPLOAD_TOO_LARGE');
  };

  // the length arrives on a PATCH
  const a = await deferred(token);
  await tooLarge(await fetch(a.url, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', 'upload-length': '5000', ...octets }), body: 'x' }));
  assert.equal(stored(a.id), 0);
  // no length at all, a body with Content-Length over the limit
  await tooLarge(await fetch(a.url, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', ...octets }), body: Buffer.alloc(3000, 1) }));
  assert.equal(stored(a.id), 0);
  // no length at all, a chunked body (no Content-Length): cut at the limit
  const chunks = (n: number) => new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < n; i++) c.enqueue(new Uint8Array(500).fill(2)); c.close(); } });
  const cut = await fetch(a.url, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', ...octets }), body: chunks(6), duplex: 'half' } as RequestInit);
  await tooLarge(cut);
  assert.ok(stored(a.id) <= 1000, `stored ${stored(a.id)} bytes`);
  const head = await fetch(a.url, { method: 'HEAD', headers: tus(token) });
  assert.ok(Number(head.headers.get('upload-offset')) <= 1000);
  assert.equal(head.headers.get('upload-defer-length'), '1');
  // within the limit a deferred upload still works
  const b = await deferred(token);
  const ok = await fetch(b.url, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', 'upload-length': '1000', ...octets }), body: Buffer.alloc(1000, 3) });
  assert.equal(ok.status, 204);
  assert.equal((await t.app.sluice.store.getVideo(b.id))?.status, 'queued');
  // a token without maxBytes is held to SLUICE_MAX_UPLOAD (2 MB here)
  const free = t.token({ aud: 'upload' });
  const c = await deferred(free);
  await tooLarge(await fetch(c.url, { method: 'PATCH', headers: tus(free, { 'upload-offset': '0', 'upload-length': String(3e6), ...octets }), body: 'x' }));
  await tooLarge(await fetch(c.url, { method: 'PATCH', headers: tus(free, { 'upload-offset': '0', ...octets }), body: chunks(5000), duplex: 'half' } as RequestInit));
  assert.ok(stored(c.id) <= 2e6, `stored ${stored(c.id)} bytes`);
});

test('tus protocol errors answer the JSON error shape with a Sluice code', async () => {
  const token = t.token({ aud: 'upload' });
  const { url } = await create(token, 10, 'abc');
  const cases: Array<[string, RequestInit, number, string]> = [
    ['no Tus-Resumable', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'upload-length': '10' } }, 412, 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED'],
    ['Tus-Resumable 0.2.2', { method: 'HEAD', headers: tus(token, { 'tus-resumable': '0.2.2' }) }, 412, ''],
    ['PATCH text/plain', { method: 'PATCH', headers: tus(token, { 'upload-offset': '3', 'content-type': 'text/plain' }), body: 'x' }, 415, 'SLUICE_ERR_UPLOAD_CONTENT_TYPE'],
    ['PATCH without Content-Type', { method: 'PATCH', headers: tus(token, { 'upload-offset': '3' }), body: new Uint8Array([1]) }, 415, 'SLUICE_ERR_UPLOAD_CONTENT_TYPE'],
    ['PATCH without Upload-Offset', { method: 'PATCH', headers: tus(token, octets), body: 'x' }, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
    ['PATCH at the wrong offset', { method: 'PATCH', headers: tus(token, { 'upload-offset': '1', ...octets }), body: 'x' }, 409, 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH'],
    ['PATCH past Upload-Length', { method: 'PATCH', headers: tus(token, { 'upload-offset': '3', ...octets }), body: 'x'.repeat(20) }, 413, 'SLUICE_ERR_UPLOAD_TOO_LARGE'],
    ['negative Upload-Offset', { method: 'PATCH', headers: tus(token, { 'upload-offset': '-1', ...octets }), body: 'x' }, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
    ['declaring a length twice', { method: 'PATCH', headers: tus(token, { 'upload-offset': '3', 'upload-length': '11', ...octets }), body: 'x' }, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
  ];
  const creation: Array<[string, Record<string, string>, number, string]> = [
    ['no length', {}, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
    ['negative length', { 'upload-length': '-5' }, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
    ['both lengths', { 'upload-length': '5', 'upload-defer-length': '1' }, 400, 'SLUICE_ERR_UPLOAD_INVALID'],
    ['metadata not base64', { 'upload-length': '5', 'upload-metadata': 'filename !!!' }, 400, 'SLUICE_ERR_UPLOAD_METADATA_INVALID'],
    ['concatenation', { 'upload-length': '5', 'upload-concat': 'partial' }, 501, 'SLUICE_ERR_UPLOAD_UNSUPPORTED'],
  ];
  const all = [
    ...cases.map(([name, init, status, c]) => [name, name.startsWith('no Tus') ? `${t.url}/api/uploads` : url, init, status, c] as const),
    ...creation.map(([name, h, status, c]) => [name, `${t.url}/api/uploads`, { method: 'POST', headers: tus(token, h) }, status, c] as const),
  ];
  for (const [name, target, init, status, c] of all) {
    const res = await fetch(target, init);
    assert.equal(res.status, status, `${name}: ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, name);
    if (status === 412) assert.equal(res.headers.get('tus-version'), '1.0.0', name);
    if (init.method !== 'HEAD') assert.equal(await code(res), c, name);
  }
  // the offset is what it was: none of that wrote a byte
  assert.equal((await fetch(url, { method: 'HEAD', headers: tus(token) })).headers.get('upload-offset'), '3');
});

test('an expired upload answers 410 SLUICE_ERR_UPLOAD_EXPIRED', async () => {
  const e = await startTestApp({ SLUICE_UPLOAD_EXPIRY: '1s' });
  try {
    await e.app.sluice.queue.stop();
    const token = e.token({ aud: 'upload' });
    const res = await fetch(`${e.url}/api/uploads`, { method: 'POST', headers: tus(token, { 'upload-length': '10' }) });
    const url = res.headers.get('location')!;
    await new Promise((r) => setTimeout(r, 1500));
    const late = await fetch(url, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', ...octets }), body: 'x' });
    assert.equal(late.status, 410);
    assert.equal(await code(late), 'SLUICE_ERR_UPLOAD_EXPIRED');
  } finally {
    await e.close();
  }
});

test('the capability in an upload URL never reaches the logs', async () => {
  let logs = '';
  const stream = new Writable({ write(chunk, _enc, cb) { logs += String(chunk); cb(); } });
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-log-')) }));
  const app = await buildApp({ config: { ...config, logLevel: 'trace' }, processJobs: false, logStream: stream });
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = mintToken(app, { aud: 'upload' }, 60).token;
    const res = await fetch(`${url}/api/uploads`, { method: 'POST', headers: tus(token, { 'upload-length': '3' }) });
    const location = res.headers.get('location')!;
    const key = location.split('.').pop()!;
    await fetch(location, { method: 'PATCH', headers: tus(token, { 'upload-offset': '0', ...octets }), body: 'abc' });
    await fetch(location, { method: 'HEAD', headers: tus(token) });
    await fetch(`${location}x`, { method: 'HEAD', headers: tus(token) });
    assert.ok(logs.includes(`/api/uploads/${res.headers.get('sluice-video-id')!}.[redacted]`), 'upload requests were logged, redacted');
    assert.ok(!logs.includes(key), 'an upload capability leaked into the logs');
  } finally {
    await app.close();
  }
});
