/**
 * The same Range and conditional requests, with the same signed URLs, to a
 * real nginx 1.22 (config from renderNginxConfig) and to our media route on
 * the same files: status, Content-Range, Content-Length, validators and
 * bytes must agree (multipart: the parsed parts; boundaries differ).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { renderNginxConfig } from '../../src/delivery/nginx-config.js';
import { createUrlSigner } from '../../src/signing/url-signer.js';
import { parseMultipart, request, type RawResponse } from './support/http.js';
import { startMediaApp } from './support/media-app.js';
import { startNginx, type NginxHandle } from './support/nginx.js';

const SECRET = 'parity-secret-1234';
const signer = createUrlSigner({ mode: 'nginx', secret: SECRET });
const dir = mkdtempSync(join(tmpdir(), 'sluice-parity-'));
const root = join(dir, 'media');
const files = { clip: randomBytes(10_000), big: randomBytes(3 * 1024 * 1024 + 7), empty: Buffer.alloc(0) };
const mtime = Math.floor(Date.now() / 1000) - 7200;
const lastModified = new Date(mtime * 1000).toUTCString();
const etagOf = (b: Buffer): string => `"${mtime.toString(16)}-${b.length.toString(16)}"`;
let nginx: NginxHandle;
let ours: { app: FastifyInstance; url: string };

before(async () => {
  mkdirSync(join(root, 'v1'), { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    const f = join(root, 'v1', `${name}.mp4`);
    writeFileSync(f, bytes);
    utimesSync(f, mtime, mtime);
  }
  nginx = await startNginx({ server: (port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:9', mediaRoot: root, secret: SECRET }) });
  ours = await startMediaApp({ signer, mediaRoot: root });
});

after(async () => {
  await ours?.app.close();
  await nginx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Case {
  file?: keyof typeof files;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** The status nginx gives: a check that the case tests what it says. */
  status: number;
}

const clipTag = etagOf(files.clip);
const CASES: Record<string, Case> = {
  'no Range': { status: 200 },
  'single range': { headers: { range: 'bytes=0-99' }, status: 206 },
  'open range': { headers: { range: 'bytes=9500-' }, status: 206 },
  'suffix range': { headers: { range: 'bytes=-500' }, status: 206 },
  'suffix longer than the file → whole file as 206': { headers: { range: 'bytes=-20000' }, status: 206 },
  'first byte': { headers: { range: 'bytes=0-0' }, status: 206 },
  'last byte': { headers: { range: 'bytes=9999-' }, status: 206 },
  'end past the file is clamped': { headers: { range: 'bytes=9000-99999' }, status: 206 },
  'start at the size → 416': { headers: { range: 'bytes=10000-' }, status: 416 },
  'suffix of zero → 416': { headers: { range: 'bytes=-0' }, status: 416 },
  'two ranges → multipart': { headers: { range: 'bytes=0-99,200-299' }, status: 206 },
  'overlapping ranges kept as sent': { headers: { range: 'bytes=0-99,50-149' }, status: 206 },
  'suffix and first byte, out of order': { headers: { range: 'bytes=-1,0-0' }, status: 206 },
  'ranges adding up past the size → 200': { headers: { range: 'bytes=0-9999,0-1' }, status: 200 },
  'BYTES= unit in capitals': { headers: { range: 'BYTES=0-9' }, status: 206 },
  'Bytes= mixed case': { headers: { range: 'Bytes=10-19' }, status: 206 },
  'valid then garbage → 416': { headers: { range: 'bytes=0-99,abc' }, status: 416 },
  'garbage → 416': { headers: { range: 'bytes=abc' }, status: 416 },
  'reversed → 416': { headers: { range: 'bytes=5-1' }, status: 416 },
  'reversed then valid → the valid one': { headers: { range: 'bytes=5-1,0-9' }, status: 206 },
  'other unit → 200': { headers: { range: 'items=0-1' }, status: 200 },
  'empty bytes= → 200': { headers: { range: 'bytes=' }, status: 200 },
  'spaces around numbers and commas': { headers: { range: 'bytes= 0-9 , 20-29' }, status: 206 },
  'tab inside → 416': { headers: { range: 'bytes=0-\t9' }, status: 416 },
  'number beyond off_t → 416': { headers: { range: 'bytes=0-99999999999999999999999' }, status: 416 },
  'huge end within off_t → clamped': { headers: { range: 'bytes=10-99999999999999999' }, status: 206 },
  'If-Range with the ETag → 206': { headers: { range: 'bytes=0-9', 'if-range': clipTag }, status: 206 },
  'If-Range with a weak ETag → 200': { headers: { range: 'bytes=0-9', 'if-range': `W/${clipTag}` }, status: 200 },
  'If-Range with another ETag → 200': { headers: { range: 'bytes=0-9', 'if-range': '"other"' }, status: 200 },
  'If-Range with Last-Modified → 206': { headers: { range: 'bytes=0-9', 'if-range': lastModified }, status: 206 },
  'If-Range with another date → 200': { headers: { range: 'bytes=0-9', 'if-range': new Date((mtime + 1) * 1000).toUTCString() }, status: 200 },
  'If-None-Match with the ETag → 304': { headers: { 'if-none-match': clipTag }, status: 304 },
  'If-None-Match weak comparison → 304': { headers: { 'if-none-match': `"x", W/${clipTag}` }, status: 304 },
  'If-None-Match * → 304': { headers: { 'if-none-match': '*' }, status: 304 },
  'If-None-Match other → 200': { headers: { 'if-none-match': '"other"' }, status: 200 },
  'If-None-Match beats Range → 304': { headers: { 'if-none-match': clipTag, range: 'bytes=0-9' }, status: 304 },
  'If-Modified-Since = Last-Modified → 304': { headers: { 'if-modified-since': lastModified }, status: 304 },
  'If-Modified-Since later (nginx: exact) → 200': { headers: { 'if-modified-since': new Date((mtime + 60) * 1000).toUTCString() }, status: 200 },
  'If-Modified-Since in RFC 850 form → 304': { headers: { 'if-modified-since': new Date(mtime * 1000).toUTCString().replace(/^(\w+), (\d\d) (\w+) \d\d(\d\d)/, (_, d, dd, mon, yy) => `${{ Sun: 'Sunday', Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday' }[d as string]}, ${dd}-${mon}-${yy}`) }, status: 304 },
  'If-None-Match matches but If-Modified-Since does not → 200': { headers: { 'if-none-match': clipTag, 'if-modified-since': new Date((mtime - 60) * 1000).toUTCString() }, status: 200 },
  'If-Match other → 412': { headers: { 'if-match': '"other"' }, status: 412 },
  'If-Match the ETag → 206': { headers: { 'if-match': clipTag, range: 'bytes=1-2' }, status: 206 },
  'If-Unmodified-Since before → 412': { headers: { 'if-unmodified-since': new Date((mtime - 60) * 1000).toUTCString() }, status: 412 },
  'HEAD with a range → 206, no body': { method: 'HEAD', headers: { range: 'bytes=0-99' }, status: 206 },
  'HEAD → 200': { method: 'HEAD', status: 200 },
  'empty file': { file: 'empty', status: 200 },
  'empty file, bytes=0- → 200': { file: 'empty', headers: { range: 'bytes=0-' }, status: 200 },
  'empty file, bytes=-5 → 200': { file: 'empty', headers: { range: 'bytes=-5' }, status: 200 },
  'empty file, bytes=1-2 → 416': { file: 'empty', headers: { range: 'bytes=1-2' }, status: 416 },
  'big file whole': { file: 'big', status: 200 },
  'big file, range across 1 MiB chunks': { file: 'big', headers: { range: 'bytes=1000-2500000' }, status: 206 },
  'big file, multipart with a large part': { file: 'big', headers: { range: 'bytes=0-1200000,-100,3000-3999' }, status: 206 },
};

function compare(name: string, a: RawResponse, b: RawResponse): void {
  const at = (h: string): string => `${name}: ${h}`;
  assert.equal(b.status, a.status, at('status'));
  assert.equal(b.headers['content-range'], a.headers['content-range'], at('Content-Range'));
  if (a.status === 200 || a.status === 206 || a.status === 304) {
    assert.equal(b.headers.etag, a.headers.etag, at('ETag'));
    assert.equal(b.headers['last-modified'], a.headers['last-modified'], at('Last-Modified'));
    assert.equal(b.headers['cache-control'], a.headers['cache-control'], at('Cache-Control'));
  }
  if (a.status === 304) {
    assert.equal(b.body.length, 0, at('304 body'));
    return;
  }
  if (a.status !== 200 && a.status !== 206) return;
  assert.equal(b.headers['content-length'], a.headers['content-length'], at('Content-Length'));
  const multipart = a.headers['content-type']?.startsWith('multipart/byteranges');
  if (!multipart) {
    assert.equal(b.headers['content-type'], a.headers['content-type'], at('Content-Type'));
    assert.ok(b.body.equals(a.body), at('body bytes'));
    return;
  }
  assert.match(b.headers['content-type'] ?? '', /^multipart\/byteranges; boundary=\d{20}$/, at('Content-Type'));
  if (a.body.length === 0) return assert.equal(b.body.length, 0, at('HEAD body'));
  const pa = parseMultipart(a.body, a.headers['content-type']);
  const pb = parseMultipart(b.body, b.headers['content-type']);
  assert.deepEqual(pb.map((p) => p.headers), pa.map((p) => p.headers), at('part headers'));
  assert.equal(pb.length, pa.length);
  pa.forEach((p, i) => assert.ok(pb[i]!.body.equals(p.body), at(`part ${i} bytes`)));
}

for (const [name, c] of Object.entries(CASES)) {
  test(`nginx parity: ${name}`, async () => {
    const path = `/media/v1/${c.file ?? 'clip'}.mp4`;
    const target = `${path}?${signer.sign(path, Math.floor(Date.now() / 1000) + 600)}`;
    const options = { method: c.method ?? 'GET', headers: c.headers ?? {} };
    const [fromNginx, fromUs] = await Promise.all([request(nginx.url, target, options), request(ours.url, target, options)]);
    assert.equal(fromNginx.status, c.status, `nginx answered ${fromNginx.status}; the case expects ${c.status}`);
    compare(name, fromNginx, fromUs);
    if (c.status === 206 && !c.method && fromNginx.headers['content-range']) {
      const [s, e] = /^bytes (\d+)-(\d+)\//.exec(fromNginx.headers['content-range'])!.slice(1).map(Number) as [number, number];
      assert.ok(fromUs.body.equals(files[c.file ?? 'clip'].subarray(s, e + 1)), 'the bytes are the file\'s');
    }
  });
}

test('nginx parity: signature and lookup failures (403, 410 no-store, 404)', async () => {
  const path = '/media/v1/clip.mp4';
  const good = new URLSearchParams(signer.sign(path, Math.floor(Date.now() / 1000) + 600));
  const stale = signer.sign(path, Math.floor(Date.now() / 1000) - 10);
  const targets: Array<[string, number]> = [
    [path, 403],
    [`${path}?md5=${good.get('md5')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}&expires=${good.get('expires')}`, 403],
    [`${path}?md5=${good.get('md5')}&expires=${Number(good.get('expires')) + 1}`, 403],
    [`${path}?${stale}`, 410],
    [`${path}?md5=${'A'.repeat(22)}&expires=${Math.floor(Date.now() / 1000) - 10}`, 403],
    [`/media/v1/missing.mp4?${signer.sign('/media/v1/missing.mp4', Math.floor(Date.now() / 1000) + 600)}`, 404],
  ];
  for (const [target, status] of targets) {
    const [a, b] = await Promise.all([request(nginx.url, target), request(ours.url, target)]);
    assert.equal(a.status, status, `nginx ${target}`);
    assert.equal(b.status, status, `ours ${target}`);
    assert.equal(a.headers['cache-control'], 'no-store', `nginx ${target}`);
    assert.equal(b.headers['cache-control'], 'no-store', `ours ${target}`);
    assert.deepEqual(JSON.parse(b.body.toString()), JSON.parse(a.body.toString()), `same JSON error body for ${target}`);
  }
});
