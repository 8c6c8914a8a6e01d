import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';

let t: TestApp;
// Uploads only: processing is not what these tests look at.
before(async () => { t = await startTestApp({ SLUICE_MAX_UPLOAD: '20MB' }); await t.app.sluice.queue.stop(); });
after(() => t.close());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tusHeaders = (token: string, extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, ...extra });
const meta = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

test('a tus upload creates the video, returns its id and a playback token, and keeps the exact bytes', async () => {
  const file = join(FIXTURES, 'tiny-2s.mp4');
  const r = await tusUpload(`${t.url}/api/uploads`, file, t.token({ aud: 'upload' }), { chunkSize: 64 * 1024, metadata: { title: 'Tiny <b>clip</b>' } });
  assert.match(r.videoId, /^[a-f0-9]{32}$/);
  // the upload URL is the video id plus a capability
  assert.match(r.url, new RegExp(`/api/uploads/${r.videoId}\\.[A-Za-z0-9_-]{22}$`));
  assert.equal(sha(readFileSync(t.app.sluice.layout.original(r.videoId))), sha(readFileSync(file)));
  const video = (await t.app.sluice.store.getVideo(r.videoId))!;
  assert.equal(video.title, 'Tiny <b>clip</b>');
  assert.equal(video.status, 'queued');
  const status = await fetch(`${t.url}/api/videos/${r.videoId}?token=${r.videoToken}`);
  assert.equal(status.status, 200);
  assert.equal(((await status.json()) as { status: string }).status, 'queued');
});

test('creation needs an upload token: none → 401, playback → 403', async () => {
  let res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } });
  assert.equal(res.status, 401);
  res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(t.token({ aud: 'playback' }), { 'upload-length': '10' }) });
  assert.equal(res.status, 403);
});

test('Upload-Length over SLUICE_MAX_UPLOAD → 413 SLUICE_ERR_UPLOAD_TOO_LARGE, nothing created', async () => {
  const before = (await t.app.sluice.store.listVideos()).length;
  const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(t.token({ aud: 'upload' }), { 'upload-length': String(21e6) }) });
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_UPLOAD_TOO_LARGE');
  assert.equal((await t.app.sluice.store.listVideos()).length, before);
  // a token's own maxBytes is enforced too
  const small = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(t.token({ aud: 'upload', maxBytes: 100 }), { 'upload-length': '101' }) });
  assert.equal(small.status, 413);
});

test('hostile metadata is refused with 400 SLUICE_ERR_UPLOAD_METADATA_INVALID', async () => {
  const cases = [
    meta({ title: 'x'.repeat(5000) }),
    meta({ title: 'line\nbreak' }),
    meta(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v']))),
  ];
  for (const m of cases) {
    const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(t.token({ aud: 'upload' }), { 'upload-length': '10', 'upload-metadata': m }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_UPLOAD_METADATA_INVALID');
  }
  const garbage = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(t.token({ aud: 'upload' }), { 'upload-length': '10', 'upload-metadata': 'a b c d,,,' }) });
  assert.equal(garbage.status, 400);
});

test('termination removes the upload and its video record', async () => {
  const token = t.token({ aud: 'upload' });
  const res = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(token, { 'upload-length': '1000' }) });
  assert.equal(res.status, 201);
  const id = res.headers.get('sluice-video-id')!;
  const location = res.headers.get('location')!;
  assert.ok((await t.app.sluice.store.getVideo(id)));
  const del = await fetch(location, { method: 'DELETE', headers: tusHeaders(token) });
  assert.equal(del.status, 204);
  assert.equal((await t.app.sluice.store.getVideo(id)), undefined);
  const head = await fetch(location, { method: 'HEAD', headers: tusHeaders(token) });
  assert.equal(head.status, 404);
});

test('an upload resumes after a server restart from the offset the server kept', async () => {
  const file = readFileSync(join(FIXTURES, 'tiny-2s.mp4'));
  const token = t.token({ aud: 'upload' });
  const created = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: tusHeaders(token, { 'upload-length': String(file.length) }) });
  const id = created.headers.get('sluice-video-id')!;
  const location = created.headers.get('location')!;
  const half = Math.floor(file.length / 2);
  const patch = await fetch(location, { method: 'PATCH', headers: tusHeaders(token, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }), body: file.subarray(0, half) });
  assert.equal(patch.status, 204);
  t = await t.restart();
  await t.app.sluice.queue.stop();
  const head = await fetch(location.replace(/^http:\/\/[^/]+/, t.url), { method: 'HEAD', headers: tusHeaders(token) });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(half));
  const rest = await fetch(location.replace(/^http:\/\/[^/]+/, t.url), { method: 'PATCH', headers: tusHeaders(token, { 'upload-offset': String(half), 'content-type': 'application/offset+octet-stream' }), body: file.subarray(half) });
  assert.equal(rest.status, 204);
  assert.equal(sha(readFileSync(t.app.sluice.layout.original(id))), sha(file));
  assert.equal((await t.app.sluice.store.getVideo(id))!.status, 'queued');
});

test('CORS: the tus response exposes Sluice-Video-Id to allowed origins', async () => {
  const c = await startTestApp({ SLUICE_CORS_ORIGINS: 'https://site.example' });
  try {
    await c.app.sluice.queue.stop();
    const pre = await fetch(`${c.url}/api/uploads`, { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,tus-resumable,upload-length' } });
    assert.ok(pre.status === 204 || pre.status === 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://site.example');
    const res = await fetch(`${c.url}/api/uploads`, { method: 'POST', headers: { origin: 'https://site.example', ...tusHeaders(c.token({ aud: 'upload' }), { 'upload-length': '10' }) } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://site.example');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Sluice-Video-Id/i);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Upload-Expires/i);
    const denied = await fetch(`${c.url}/api/uploads`, { method: 'POST', headers: { origin: 'https://evil.example', ...tusHeaders(c.token({ aud: 'upload' }), { 'upload-length': '10' }) } });
    assert.notEqual(denied.headers.get('access-control-allow-origin'), 'https://evil.example');
  } finally {
    await c.close();
  }
});
