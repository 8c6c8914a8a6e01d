/**
 * Smaller findings: X-Content-Type-Options on every kind of response (API,
 * errors, hijacked media/SSE, tus, static files), C1 control characters in
 * upload metadata, and `sluice token --aud playback` without a video.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { claimsOf, errorCode, raw, rawHead } from './support.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
const VIDEO = 'e'.repeat(32);
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

let t: TestApp;
before(async () => {
  const demoDir = mkdtempSync(join(tmpdir(), 'sluice-demo-site-'));
  writeFileSync(join(demoDir, 'index.html'), '<!doctype html><title>demo</title>');
  t = await startTestApp({ SLUICE_DEMO_DIR: demoDir, SLUICE_CORS_ORIGINS: 'https://site.example' });
  await t.app.sluice.store.createVideo({ id: VIDEO, status: 'ready', title: 'x', filename: 'x.mp4', size: 1 });
  await t.app.sluice.store.updateVideo(VIDEO, { playable: true });
  mkdirSync(t.app.sluice.layout.mediaDir(VIDEO), { recursive: true });
  writeFileSync(join(t.app.sluice.layout.mediaDir(VIDEO), 'poster.jpg'), Buffer.alloc(2000, 1));
});
after(() => t.close());

test('every response carries X-Content-Type-Options: nosniff', async () => {
  const admin = t.token({ aud: 'admin' });
  const upload = t.token({ aud: 'upload' });
  const poster = t.app.sluice.layout.mediaUrlPath(VIDEO, 'poster.jpg');
  const signedPoster = `${poster}?${t.app.sluice.signer.sign(poster, Math.floor(Date.now() / 1000) + 600)}`;
  const tus = { authorization: `Bearer ${upload}`, 'tus-resumable': '1.0.0' };
  const created = await raw(t.url, '/api/uploads', { method: 'POST', headers: { ...tus, 'upload-length': '4' } });
  assert.equal(created.status, 201, created.text);
  const uploadPath = new URL(created.headers.location!).pathname;
  const cases: Array<[string, string, number, { headers?: Record<string, string>; method?: string; body?: string }?]> = [
    ['healthz', '/healthz', 200],
    ['404', '/no/such/route', 404],
    ['401', '/api/videos', 401],
    ['JSON API', `/api/videos/${VIDEO}?token=${admin}`, 200],
    ['421 foreign host', '/healthz', 421, { headers: { host: 'evil.example' } }],
    ['400 before routing', '/api/%zz', 400],
    ['media 200 (hijacked)', signedPoster, 200],
    ['media range 206', signedPoster, 206, { headers: { range: 'bytes=0-9' } }],
    ['media HEAD', signedPoster, 200, { method: 'HEAD' }],
    ['media 403', `${poster}?exp=9999999999&sig=AAAA`, 403],
    ['media 410', `${poster}?${t.app.sluice.signer.sign(poster, Math.floor(Date.now() / 1000) - 10)}`, 410],
    ['tus OPTIONS', '/api/uploads', 204, { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'POST' } }],
    ['tus HEAD', uploadPath, 200, { method: 'HEAD', headers: tus }],
    ['tus PATCH', uploadPath, 204, { method: 'PATCH', headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: 'abcd' }],
    ['CORS preflight', '/api/videos', 204, { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'GET' } }],
    ['demo site', '/', 200],
  ];
  for (const [what, path, status, options] of cases) {
    const res = await raw(t.url, path, options);
    assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  }
  assert.equal(created.headers['x-content-type-options'], 'nosniff', 'tus POST');
  const sse = await rawHead(t.url, `/api/videos/${VIDEO}/events?token=${admin}`);
  assert.equal(sse.status, 200);
  assert.match(sse.headers['content-type'] ?? '', /text\/event-stream/);
  assert.equal(sse.headers['x-content-type-options'], 'nosniff', 'SSE (hijacked)');
});

test('C1 control characters (U+0080–U+009F) in upload metadata are refused like C0 ones', async () => {
  const post = (metadata: string) => raw(t.url, '/api/uploads', {
    method: 'POST', headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': metadata },
  });
  for (const [key, value] of [['title', 'evil\u0085title'], ['title', '\u009b31mred'], ['filename', 'a\u0080.mp4'], ['title', 'tab\there'], ['name', 'x\u007f']]) {
    const res = await post(`${key} ${b64(value!)}`);
    assert.equal(res.status, 400, `${key}=${JSON.stringify(value)} → ${res.status}`);
    assert.equal(errorCode(res.text), 'SLUICE_ERR_UPLOAD_METADATA_INVALID');
    assert.match(res.text, /control characters/);
  }
  // Printable characters next to the C1 block stay accepted.
  const ok = await post(`title ${b64('Caf\u00e9 \u00a0\u00ff \u2028 \u{1F3AC}')},filename ${b64('ok.mp4')}`);
  assert.equal(ok.status, 201, ok.text);
});

async function cli(args: string[], dataDir: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, SLUICE_DATA_DIR: dataDir }, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
}

test('sluice token --aud playback needs --sub <id> or --all; it never mints an every-video token silently', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cli-token-'));
  const bare = await cli(['token', '--aud', 'playback'], dataDir);
  assert.equal(bare.code, 1);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /--aud playback needs --sub <video id> \(one video\) or --all \(every video\)/);
  const one = await cli(['token', '--aud', 'playback', '--sub', VIDEO], dataDir);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(claimsOf(one.stdout.trim()).sub, VIDEO);
  const all = await cli(['token', '--aud', 'playback', '--all'], dataDir);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(claimsOf(all.stdout.trim()).sub, '*');
  assert.equal(claimsOf(all.stdout.trim()).demo, undefined, 'CLI tokens are never demo tokens');
  assert.match((await cli(['token', '--aud', 'playback', '--all', '--sub', VIDEO], dataDir)).stderr, /--all and --sub exclude each other/);
  assert.match((await cli(['token', '--aud', 'upload', '--all'], dataDir)).stderr, /--all applies to --aud playback only/);
});
