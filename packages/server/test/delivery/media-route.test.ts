import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createUrlSigner } from '../../src/signing/url-signer.js';
import { parseMultipart, request } from './support/http.js';
import { startMediaApp } from './support/media-app.js';

const signer = createUrlSigner({ mode: 'hmac', secret: 'route-test-secret' });
const dir = mkdtempSync(join(tmpdir(), 'sluice-media-route-'));
const root = join(dir, 'media');
const outside = join(dir, 'outside');
const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-THE-MEDIA-ROOT';
const small = randomBytes(10_000);
const big = randomBytes(3 * 1024 * 1024 + 123);
const past = new Date(Date.now() - 3600_000);
let app: FastifyInstance;
let url: string;

const exp = (): number => Math.floor(Date.now() / 1000) + 600;
const signed = (path: string, expiresAt = exp()): string => `${path}?${signer.sign(path, expiresAt)}`;

before(async () => {
  mkdirSync(join(root, 'v1', 'hls', '720p'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(root, 'v1', 'hls', '720p', 'seg_1.m4s'), small);
  writeFileSync(join(root, 'v1', 'video.mp4'), big);
  writeFileSync(join(root, 'v1', 'empty.vtt'), '');
  writeFileSync(join(outside, 'secret.txt'), SECRET_TEXT);
  symlinkSync(join(outside, 'secret.txt'), join(root, 'v1', 'leak.txt'));
  symlinkSync(outside, join(root, 'v2'));
  symlinkSync(join(root, 'v1', 'hls', '720p', 'seg_1.m4s'), join(root, 'v1', 'alias.m4s'));
  for (const f of ['hls/720p/seg_1.m4s', 'video.mp4', 'empty.vtt']) utimesSync(join(root, 'v1', f), past, past);
  ({ app, url } = await startMediaApp({ signer, mediaRoot: root, fileCache: { revalidateMs: 50 } }));
});

after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a signed file: 200 with type, validators, immutable caching, inline disposition, Accept-Ranges', async () => {
  const r = await request(url, signed('/media/v1/hls/720p/seg_1.m4s'));
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(small));
  assert.equal(r.headers['content-type'], 'video/iso.segment');
  assert.equal(r.headers['content-length'], String(small.length));
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.equal(r.headers['content-disposition'], 'inline');
  assert.match(r.headers['cache-control'] ?? '', /immutable/);
  const mtime = Math.floor(past.getTime() / 1000);
  assert.equal(r.headers.etag, `"${mtime.toString(16)}-${small.length.toString(16)}"`);
  assert.equal(r.headers['last-modified'], new Date(mtime * 1000).toUTCString());
});

test('HEAD: the same headers, no body', async () => {
  const r = await request(url, signed('/media/v1/video.mp4'), { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], String(big.length));
  assert.equal(r.headers['content-type'], 'video/mp4');
  assert.equal(r.body.length, 0);
});

test('bodies above 1 MiB (pumped in chunks): whole file, long range, multipart across chunks', async () => {
  const whole = await request(url, signed('/media/v1/video.mp4'));
  assert.equal(whole.status, 200);
  assert.ok(whole.body.equals(big));
  const range = await request(url, signed('/media/v1/video.mp4'), { headers: { range: 'bytes=1000-2500000' } });
  assert.equal(range.status, 206);
  assert.equal(range.headers['content-range'], `bytes 1000-2500000/${big.length}`);
  assert.ok(range.body.equals(big.subarray(1000, 2500001)));
  const multi = await request(url, signed('/media/v1/video.mp4'), { headers: { range: 'bytes=0-1500000,-10' } });
  assert.equal(multi.status, 206);
  assert.equal(Number(multi.headers['content-length']), multi.body.length);
  const parts = parseMultipart(multi.body, multi.headers['content-type']);
  assert.equal(parts.length, 2);
  assert.ok(parts[0]!.body.equals(big.subarray(0, 1500001)));
  assert.ok(parts[1]!.body.equals(big.subarray(big.length - 10)));
  assert.equal(parts[1]!.headers['content-type'], 'video/mp4');
});

test('a zero-byte file: 200 with Content-Length 0, Range on it as nginx answers', async () => {
  const r = await request(url, signed('/media/v1/empty.vtt'));
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '0');
  assert.equal(r.headers['content-type'], 'text/vtt');
  assert.equal((await request(url, signed('/media/v1/empty.vtt'), { headers: { range: 'bytes=0-' } })).status, 200);
  const unsat = await request(url, signed('/media/v1/empty.vtt'), { headers: { range: 'bytes=1-2' } });
  assert.equal(unsat.status, 416);
  assert.equal(unsat.headers['content-range'], 'bytes */0');
});

const BAD_PATHS = [
  '/media/v1/../v1/video.mp4',
  '/media/../outside/secret.txt',
  '/media/v1/%2e%2e/v1/video.mp4',
  '/media/%2E%2E/outside/secret.txt',
  '/media/v1/.%2e/v1/video.mp4',
  '/media/./v1/video.mp4',
  '/media/v1%2Fvideo.mp4',
  '/media/v1%2fvideo.mp4',
  '/media/v1%5cvideo.mp4',
  '/media/v1\\video.mp4',
  '/media/..\\outside\\secret.txt',
  '/media/v1/video.mp4%00.jpg',
  '/media//etc/passwd',
  '/media/%2Fetc/passwd',
  '/media/v1//video.mp4',
  '/media/',
];

for (const path of BAD_PATHS) {
  test(`path refused before the signature is looked at: ${path}`, async () => {
    for (const target of [path, signed(path)]) {
      const r = await request(url, target);
      assert.equal(r.status, 400, target);
      assert.equal(JSON.parse(r.body.toString()).error.code, 'SLUICE_ERR_MEDIA_PATH_INVALID');
      assert.ok(!r.body.includes(SECRET_TEXT));
    }
  });
}

test('a malformed percent-escape is refused with 400 (by Fastify\'s router, before any route runs)', async () => {
  assert.equal((await request(url, signed('/media/v1/%zz.mp4'))).status, 400);
});

test('a symlink (file or directory) leading outside the media root is never served', async () => {
  for (const path of ['/media/v1/leak.txt', '/media/v2/secret.txt']) {
    const r = await request(url, signed(path));
    assert.equal(r.status, 404, path);
    assert.equal(JSON.parse(r.body.toString()).error.code, 'SLUICE_ERR_MEDIA_NOT_FOUND');
    assert.ok(!r.body.includes(SECRET_TEXT));
  }
  const inside = await request(url, signed('/media/v1/alias.m4s'));
  assert.equal(inside.status, 200, 'a symlink to a file inside the root is fine');
  assert.ok(inside.body.equals(small));
});

test('signature: missing/forged → 403, signed for another path → 403, expired → 410, expired and forged → 403; all no-store', async () => {
  const path = '/media/v1/hls/720p/seg_1.m4s';
  const good = new URLSearchParams(signer.sign(path, exp()));
  const forged = `${path}?exp=${good.get('exp')}&sig=${good.get('sig')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
  const stale = Math.floor(Date.now() / 1000) - 5;
  const cases: Array<[string, number, string]> = [
    [path, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [forged, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [`${path}?${signer.sign('/media/v1/video.mp4', exp())}`, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
    [signed(path, stale), 410, 'SLUICE_ERR_SIGNATURE_EXPIRED'],
    [`${path}?exp=${stale}&sig=${'A'.repeat(43)}`, 403, 'SLUICE_ERR_SIGNATURE_INVALID'],
  ];
  for (const [target, status, code] of cases) {
    for (const method of ['GET', 'HEAD']) {
      const r = await request(url, target, { method });
      assert.equal(r.status, status, `${method} ${target}`);
      assert.equal(r.headers['cache-control'], 'no-store');
      if (method === 'GET') assert.equal(JSON.parse(r.body.toString()).error.code, code);
    }
  }
});

test('missing files and directories → 404 (after the signature check)', async () => {
  for (const path of ['/media/v1/nope.m4s', '/media/v1/hls', '/media/nope/x.mp4']) {
    const r = await request(url, signed(path));
    assert.equal(r.status, 404, path);
    assert.equal(JSON.parse(r.body.toString()).error.code, 'SLUICE_ERR_MEDIA_NOT_FOUND');
  }
  assert.equal((await request(url, '/media/v1/nope.m4s')).status, 403, 'unsigned: 403 before 404');
});

test('a percent-encoded name is decoded, and signed in its decoded form', async () => {
  writeFileSync(join(root, 'v1', 'my clip.mp4'), small);
  const r = await request(url, `/media/v1/my%20clip.mp4?${signer.sign('/media/v1/my clip.mp4', exp())}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(small));
});

test('a file being written (modified just now) is never served with a stale size, nor cached as immutable', async () => {
  const file = join(root, 'v1', 'hls', '720p', 'growing.m4s');
  writeFileSync(file, small.subarray(0, 1000));
  const first = await request(url, signed('/media/v1/hls/720p/growing.m4s'));
  assert.equal(first.body.length, 1000);
  assert.doesNotMatch(first.headers['cache-control'] ?? '', /immutable/);
  appendFileSync(file, small.subarray(1000, 5000));
  const second = await request(url, signed('/media/v1/hls/720p/growing.m4s'));
  assert.equal(second.headers['content-length'], '5000');
  assert.ok(second.body.equals(small.subarray(0, 5000)));
  assert.notEqual(second.headers.etag, first.headers.etag);
});

/** Descriptors this process holds on files under `dir` (Linux /proc). */
function openUnder(prefix: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(prefix)) out.push(target);
    } catch {}
  }
  return out;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

test('a replaced or deleted settled file stops being served, and its old descriptor is closed', async () => {
  const file = join(root, 'v1', 'replace.m4s');
  const path = '/media/v1/replace.m4s';
  writeFileSync(file, 'old content');
  utimesSync(file, past, past);
  assert.equal((await request(url, signed(path))).body.toString(), 'old content');
  // Publish a new version the way media is published: write elsewhere, rename over.
  writeFileSync(`${file}.tmp`, 'new content!');
  utimesSync(`${file}.tmp`, past, past);
  renameSync(`${file}.tmp`, file);
  await new Promise((r) => setTimeout(r, 80)); // past revalidateMs (50 ms)
  assert.equal((await request(url, signed(path))).body.toString(), 'new content!');
  await until('the replaced file\'s descriptor is closed', () => !openUnder(root).some((t) => t.endsWith('(deleted)')));
  unlinkSync(file);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal((await request(url, signed(path))).status, 404);
  await until('the deleted file\'s descriptor is closed', () => !openUnder(file).length);
});

test('a client that aborts mid-body: the server keeps serving and the descriptor is released', async () => {
  const file = join(root, 'v1', 'abort.mp4');
  writeFileSync(file, big);
  utimesSync(file, past, past);
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ hostname, port, path: signed('/media/v1/abort.mp4'), agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
  });
  const ok = await request(url, signed('/media/v1/hls/720p/seg_1.m4s'));
  assert.equal(ok.status, 200);
  // Delete it: once revalidated, the only remaining reference would be a leaked one.
  unlinkSync(file);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal((await request(url, signed('/media/v1/abort.mp4'))).status, 404);
  await until('no descriptor left on the aborted file', () => !openUnder(file).length);
});
