// No request, however malformed, takes the server down. The server runs in
// its own process (real `sluice start`, demo mode: anyone can mint an upload
// token), so "it answered an error" and "it died" are told apart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process.js';

let s: ServerProcess;
let token: string;
before(async () => { s = await startServerProcess(); token = await s.uploadToken(); });
after(() => s.stop());

interface Answer { status: number; type: string; body: string }

/** One request over a fresh connection; resolves with the answer, or null when the connection ended without one. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer | null> {
  return new Promise((resolve) => {
    const u = new URL(s.url);
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end(body);
  });
}

/** Raw bytes on a socket, for what an HTTP client library refuses to send. */
function sendRaw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const u = new URL(s.url);
    const socket = net.connect(Number(u.port), u.hostname, () => socket.end(bytes));
    let text = '';
    socket.on('data', (c) => { text += String(c); });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

const tus = (extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, ...extra });
const octets = { 'content-type': 'application/offset+octet-stream' };

async function finishedUpload(): Promise<string> {
  const created = await send('POST', '/api/uploads', tus({ 'upload-length': '5', ...octets }), 'hello');
  assert.equal(created?.status, 201);
  const res = await fetch(`${s.url}/api/uploads`, { method: 'POST', headers: tus({ 'upload-length': '5', ...octets }), body: 'hello' });
  return new URL(res.headers.get('location')!).pathname;
}

async function assertAlive(): Promise<void> {
  const health = await send('GET', '/healthz');
  assert.equal(health?.status, 200, `healthz: ${JSON.stringify(health)}\n${s.output()}`);
  assert.ok(s.alive(), `the server process exited:\n${s.output()}`);
}

test('GET of a finished upload, twice, answers 404 JSON and the process keeps serving', async () => {
  const path = await finishedUpload();
  const id = path.split('/').pop()!.split('.')[0]!;
  const answers: Array<Answer | null> = [];
  for (const p of [path, path, `/api/uploads/${id}`, `/api/uploads/${id}`]) answers.push(await send('GET', p, tus()));
  await new Promise((r) => setTimeout(r, 200)); // let any deferred exception surface before checking
  await assertAlive();
  for (const got of answers) {
    assert.equal(got?.status, 404, 'GET is not part of the upload API (it handed out originals)');
    assert.match(got.type, /^application\/json/);
    assert.equal((JSON.parse(got.body) as { error: { code: string } }).error.code, 'SLUICE_ERR_REQUEST_NOT_FOUND');
  }
});

test('a batch of malformed requests at every route family gets answers, and the process keeps serving', async () => {
  const path = await finishedUpload();
  const id = path.split('/').pop()!.split('.')[0]!;
  const created = await fetch(`${s.url}/api/uploads`, { method: 'POST', headers: tus({ 'upload-length': '100' }) });
  const open = new URL(created.headers.get('location')!).pathname;
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
  const attacks: Array<[string, string, Record<string, string>, (Buffer | string)?]> = [
    // tus creation with garbage headers and bodies
    ['POST', '/api/uploads', tus({ 'upload-length': '-1' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '99999999999999999999999999' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '1e9' })],
    ['POST', '/api/uploads', tus({ 'upload-length': 'NaN' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-defer-length': '1' })],
    ['POST', '/api/uploads', tus({ 'upload-defer-length': '2' })],
    ['POST', '/api/uploads', tus()],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-metadata': 'filename %%%not-base64%%%' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-metadata': 'filename ' + '\u00ff'.repeat(10) })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-metadata': ',,, ,a,a' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-concat': 'final;/api/uploads/a /api/uploads/b' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'upload-concat': 'partial' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '4', ...octets }), garbage],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'tus-resumable': '0.2.2' })],
    ['POST', '/api/uploads', { authorization: `Bearer ${token}`, 'upload-length': '10' }],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'x-forwarded-proto': 'gopher', 'x-forwarded-host': '%%%' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', authorization: 'Bearer not.a.jwt' })],
    ['POST', '/api/uploads', tus({ 'upload-length': '10', 'content-type': 'application/json' }), '{"a":'],
    // tus PATCH/HEAD/DELETE with absurd values, on real and fake ids
    ['PATCH', open, tus({ 'upload-offset': '-5', ...octets }), 'abc'],
    ['PATCH', open, tus({ 'upload-offset': '99999999999999999999', ...octets }), 'abc'],
    ['PATCH', open, tus({ 'upload-offset': '0', ...octets, 'upload-length': '5' }), 'abc'],
    ['PATCH', open, tus({ 'upload-offset': '0', ...octets }), garbage],
    ['PATCH', open, tus({ 'upload-offset': '0', 'content-type': 'text/html' }), 'abc'],
    ['PATCH', open, tus({ 'upload-offset': '0' }), 'abc'],
    ['PATCH', open, tus({ ...octets }), 'abc'],
    ['PATCH', path, tus({ 'upload-offset': '5', ...octets }), 'more'],
    ['PATCH', `/api/uploads/${id}`, tus({ 'upload-offset': '0', ...octets }), 'abc'],
    ['HEAD', `/api/uploads/${id}.AAAAAAAAAAAAAAAAAAAAAA`, tus()],
    ['HEAD', `/api/uploads/${'x'.repeat(5000)}`, tus()],
    ['DELETE', path, tus()],
    ['DELETE', `/api/uploads/${id}`, tus()],
    ['OPTIONS', '/api/uploads', {}],
    ['OPTIONS', open, { 'access-control-request-method': 'PATCH', origin: 'https://evil.example' }],
    // ids with .. and %-garbage in paths, on every route family
    ['GET', '/api/uploads/..%2F..%2Fsecret', tus()],
    ['PATCH', '/api/uploads/..', tus({ 'upload-offset': '0', ...octets }), 'abc'],
    ['PATCH', '/api/uploads/%2e%2e%2f%2e%2e%2fsecret', tus({ 'upload-offset': '0', ...octets }), 'abc'],
    ['HEAD', '/api/uploads/%E0%A4%A', tus()],
    ['DELETE', '/api/uploads/%00', tus()],
    ['GET', '/api/videos/%E0%A4%A', {}],
    ['GET', `/api/videos/..%2F..%2F${id}`, {}],
    ['GET', `/api/videos/${id}/events?token=%%%`, {}],
    ['GET', `/api/videos/${id}/hls/..%2F..%2Fsecret`, {}],
    ['GET', `/api/videos/${id}/hls/%ff%fe.m3u8?token=x`, {}],
    ['GET', `/api/videos/${id}/storyboard.vtt?token=${'a'.repeat(8000)}`, {}],
    ['POST', `/api/videos/${id}/reprocess`, { 'content-type': 'application/json' }, '{{{{'],
    ['DELETE', `/api/videos/${id}`, { authorization: 'Bearer' }],
    ['GET', '/media/../../etc/passwd', {}],
    ['GET', '/media/%2e%2e/%2e%2e/etc/passwd?exp=1&sig=x', {}],
    ['GET', `/media/${id}/video.mp4?exp=99999999999999999999&sig=%%`, { range: 'bytes=99999999999999999999-' }],
    ['GET', `/media/${id}/video.mp4?exp=-1&sig=`, { range: 'bytes=-0,abc,5-1' }],
    ['POST', '/api/tokens', { 'content-type': 'application/json' }, '{"aud":'],
    ['POST', '/api/tokens', { 'content-type': 'application/json' }, '{"aud":"upload","ttl":1e308,"maxBytes":-1}'],
    ['POST', '/api/tokens', { 'content-type': 'application/json' }, JSON.stringify({ aud: 'upload', sub: { $gt: '' } })],
    ['GET', '/api/admin/jobs', { authorization: `Bearer ${token}` }],
    ['GET', '/%E0%A4%A', {}],
    ['GET', '/../../../etc/passwd', {}],
    // unknown and odd methods
    ['PUT', '/api/uploads', tus()],
    ['PROPFIND', '/api/uploads', tus()],
    ['TRACE', '/api/uploads', tus()],
    ['GET', '/api/uploads', tus()],
  ];
  const answers = await Promise.all(attacks.map(([m, p, h, b]) => send(m, p, h, b).then((a) => [m, p, a] as const)));
  for (const [m, p, a] of answers) {
    assert.ok(a, `${m} ${p}: the connection ended without an answer`);
    // 501 (an unsupported tus extension) is an answer; 500 would be an unhandled error.
    assert.ok(a.status >= 200 && a.status < 600 && a.status !== 500, `${m} ${p} → ${a.status} ${a.body}`);
    if (a.status >= 400 && p.startsWith('/api/') && m !== 'HEAD') {
      assert.match(a.type, /^application\/json/, `${m} ${p} → ${a.status} ${a.type}: ${a.body}`);
      assert.match((JSON.parse(a.body) as { error: { code: string } }).error.code, /^SLUICE_ERR_/, `${m} ${p}`);
    }
  }
  const raw = await Promise.all([
    sendRaw('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n'),
    sendRaw('PATCH /api/uploads/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'),
    sendRaw('PATCH /api/uploads/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n'),
    sendRaw(`POST /api/uploads HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer ${token}\r\nUpload-Length: 100\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 100\r\n\r\nonly part of it`),
    sendRaw('GET /api/uploads/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n'),
    sendRaw('\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003'),
  ]);
  assert.equal(raw.length, 6);
  await new Promise((r) => setTimeout(r, 200)); // let any deferred exception surface before checking
  await assertAlive();
  // and it still does its job
  const after = await fetch(`${s.url}/api/uploads`, { method: 'POST', headers: tus({ 'upload-length': '5', ...octets }), body: 'hello' });
  assert.equal(after.status, 201);
});

test('an error inside tus after the reply was hijacked answers 500 JSON, and the process keeps serving', async () => {
  const created = await fetch(`${s.url}/api/uploads`, { method: 'POST', headers: tus({ 'upload-length': '10' }) });
  const path = new URL(created.headers.get('location')!).pathname;
  // The upload's data file becomes a symlink to itself: the file store's stat fails (ELOOP), an error tus does not expect.
  const file = join(s.dataDir, 'uploads', created.headers.get('sluice-video-id')!);
  rmSync(file);
  symlinkSync(file, file);
  const res = await send('PATCH', path, tus({ 'upload-offset': '0', ...octets }), 'abc');
  assert.equal(res?.status, 500, JSON.stringify(res));
  assert.match(res.type, /^application\/json/);
  assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'SLUICE_ERR_SERVER_INTERNAL');
  await assertAlive();
});
