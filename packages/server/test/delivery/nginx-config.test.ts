/**
 * The config renderNginxConfig prints, run by a real nginx: it serves URLs
 * signed by createUrlSigner({ mode: 'nginx' }) from disk with our content
 * types and caching, refuses tampered (403) and expired (410) links, and
 * proxies the API unbuffered (tus uploads, Server-Sent Events).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MEDIA_TYPES } from '../../src/storage/content-types.js';
import { renderNginxConfig } from '../../src/delivery/nginx-config.js';
import { IMMUTABLE } from '../../src/delivery/response-plan.js';
import { createUrlSigner } from '../../src/signing/url-signer.js';
import { request } from './support/http.js';
import { startNginx, type NginxHandle } from './support/nginx.js';

const SECRET = 'nginx-config-test-secret';
const signer = createUrlSigner({ mode: 'nginx', secret: SECRET });
const dir = mkdtempSync(join(tmpdir(), 'sluice-nginx-config-'));
const root = join(dir, 'media');
let nginx: NginxHandle;
let upstream: http.Server;
const uploadProgress: number[] = [];
let sseOpen: http.ServerResponse | undefined;

const soon = (): number => Math.floor(Date.now() / 1000) + 600;
const signed = (path: string, exp = soon()): string => `${path}?${signer.sign(path, exp)}`;

before(async () => {
  mkdirSync(join(root, 'v1', 'hls', '720p'), { recursive: true });
  for (const ext of Object.keys(MEDIA_TYPES)) writeFileSync(join(root, 'v1', `file.${ext}`), `content of .${ext}`);
  writeFileSync(join(root, 'v1', 'hls', '720p', 'seg_00001.m4s'), Buffer.alloc(5000, 7));
  upstream = http.createServer((req, res) => {
    if (req.url === '/api/uploads/u1' && req.method === 'PATCH') {
      let n = 0;
      req.on('data', (c: Buffer) => uploadProgress.push((n += c.length)));
      req.on('end', () => res.end(`received ${n}`));
      return;
    }
    if (req.url === '/api/videos/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: status\ndata: {"status":"processing"}\n\n');
      sseOpen = res;
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ upstream: true, url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'], forwardedHost: req.headers['x-forwarded-host'], forwarded: req.headers.forwarded ?? null }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamAddr = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  nginx = await startNginx({ server: (port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: upstreamAddr, mediaRoot: root, secret: SECRET }) });
});

after(async () => {
  sseOpen?.end();
  await nginx?.stop();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('a URL signed by createUrlSigner({ mode: "nginx" }) is served from disk, with Range', async () => {
  const path = '/media/v1/hls/720p/seg_00001.m4s';
  const whole = await request(nginx.url, signed(path));
  assert.equal(whole.status, 200, nginx.log());
  assert.deepEqual(whole.body, Buffer.alloc(5000, 7));
  assert.equal(whole.headers['cache-control'], IMMUTABLE);
  assert.equal(whole.headers['content-disposition'], 'inline');
  const part = await request(nginx.url, signed(path), { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], 'bytes 100-199/5000');
  assert.equal(part.body.length, 100);
});

test('tampered → 403, expired → 410, tampered and expired → 403, all JSON and no-store', async () => {
  const path = '/media/v1/file.mp4';
  const q = new URLSearchParams(signer.sign(path, soon()));
  const md5 = q.get('md5')!;
  const other = md5.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  const past = Math.floor(Date.now() / 1000) - 30;
  const cases: Array<[string, number, string]> = [
    [`${path}?md5=${other}&expires=${q.get('expires')}`, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [`/media/v1/file.ts?${q.toString()}`, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [path, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [signed(path, past), 410, 'SLUICE_ERR_SIGNATURE_EXPIRED'],
    [`${path}?md5=${new URLSearchParams(signer.sign(path, past)).get('md5')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}&expires=${past}`, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [signed('/media/v1/none.m4s'), 404, 'SLUICE_ERR_MEDIA_NOT_FOUND'],
  ];
  for (const [target, status, code] of cases) {
    const r = await request(nginx.url, target);
    assert.equal(r.status, status, target);
    assert.equal(r.headers['cache-control'], 'no-store', target);
    assert.equal(r.headers['content-type'], 'application/json', target);
    assert.equal(JSON.parse(r.body.toString()).error.code, code, target);
  }
});

test('every media extension gets the Content-Type our route sends', async () => {
  for (const [ext, type] of Object.entries(MEDIA_TYPES)) {
    const r = await request(nginx.url, signed(`/media/v1/file.${ext}`));
    assert.equal(r.status, 200, ext);
    assert.equal(r.headers['content-type'], type, ext);
  }
});

test('everything else is proxied to the Sluice server with forwarding headers set by nginx, not the client', async () => {
  for (const path of ['/healthz', '/api/videos/v1', '/']) {
    // A client's own forwarding headers must not pass: the server trusts nginx's (SLUICE_TRUST_PROXY).
    const r = await request(nginx.url, path, { headers: { host: 'video.example:8443', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example' } });
    assert.equal(r.status, 200, path);
    const body = JSON.parse(r.body.toString());
    assert.deepEqual(body, { upstream: true, url: path, host: 'video.example:8443', proto: 'http', forwardedHost: 'video.example:8443', forwarded: null });
  }
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

test('upload bodies stream through unbuffered: the server sees the first bytes before the client sends the rest', async () => {
  const { hostname, port } = new URL(nginx.url);
  const half = Buffer.alloc(64 * 1024, 1);
  const req = http.request({ hostname, port, path: '/api/uploads/u1', method: 'PATCH', headers: { 'content-length': String(half.length * 2), 'content-type': 'application/offset+octet-stream' } });
  const response = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
  req.write(half);
  await until('the upstream received the first half while the client still holds the second', () => uploadProgress.at(-1) === half.length);
  req.end(half);
  assert.equal(await response, `received ${half.length * 2}`);
});

test('Server-Sent Events reach the client while the stream stays open', async () => {
  const { hostname, port } = new URL(nginx.url);
  const first = await new Promise<string>((resolve, reject) => {
    const req = http.get({ hostname, port, path: '/api/videos/v1/events', agent: false }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream');
      res.once('data', (c: Buffer) => {
        resolve(c.toString());
        req.destroy();
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
  });
  assert.match(first, /^event: status\ndata: \{"status":"processing"\}/);
  assert.ok(sseOpen && !sseOpen.writableEnded, 'the upstream had not ended the stream');
});

test('renderNginxConfig refuses values nginx cannot hold safely', () => {
  const ok = { listen: '127.0.0.1:8080', upstream: '127.0.0.1:3000', mediaRoot: '/srv/sluice/media', secret: 'abc' };
  assert.match(renderNginxConfig(ok), /secure_link_md5 "\$secure_link_expires\$uri abc";/);
  assert.match(renderNginxConfig({ ...ok, upstream: 'http://127.0.0.1:3000/' }), /proxy_pass http:\/\/127\.0\.0\.1:3000;/);
  for (const secret of ['a$b', 'a"b', 'a b', 'a;b', 'a{b', 'a\\b']) {
    assert.throws(() => renderNginxConfig({ ...ok, secret }), /SLUICE_ERR_CONFIG_INVALID|secret/, secret);
  }
  assert.throws(() => renderNginxConfig({ ...ok, mediaRoot: 'relative/media' }), /mediaRoot/);
  assert.throws(() => renderNginxConfig({ ...ok, listen: '80; evil' }), /listen/);
});

test('with SLUICE_CORS_ORIGINS, nginx grants allowed origins on media, 403 and 410 — and no one else', async () => {
  const site = 'https://site.example';
  const cors = await startNginx({ server: (port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:9', mediaRoot: root, secret: SECRET, corsOrigins: [site] }) });
  try {
    const path = '/media/v1/file.mp4';
    const past = Math.floor(Date.now() / 1000) - 30;
    for (const [target, status] of [[signed(path), 200], [`${path}?md5=AAAA&expires=${soon()}`, 403], [signed(path, past), 410]] as const) {
      const allowed = await request(cors.url, target, { headers: { origin: site } });
      assert.equal(allowed.status, status, cors.log());
      assert.equal(allowed.headers['access-control-allow-origin'], site, `${status}`);
      const other = await request(cors.url, target, { headers: { origin: 'https://evil.example' } });
      assert.equal(other.headers['access-control-allow-origin'], undefined, `${status} for another origin`);
    }
  } finally {
    await cors.stop();
  }
  assert.throws(() => renderNginxConfig({ listen: '80', upstream: '127.0.0.1:3000', mediaRoot: root, secret: SECRET, corsOrigins: ['https://a.example/"; evil'] }), /corsOrigins/);
});
