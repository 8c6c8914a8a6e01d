// Work limits on the real server and real ffmpeg: an upload of a few KB must
// not hold the worker for an hour. Duration (server limit and token claim),
// picture size and pixel rate are refused at probe time, before encoding; a
// container that hides its length is stopped once it runs past the limit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import type { StatusDocument } from '../../src/videos/status-document.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';
const work = mkdtempSync(join(tmpdir(), 'sluice-limits-'));
const ffmpeg = (...args: string[]): void => { execFileSync(FFMPEG, ['-v', 'error', '-y', ...args]); };

/** 4000 s of black 320x240 at 1 fps: an hour of video in a few tens of KB. */
const longClip = join(work, 'long.mp4');
/** The same, as Matroska whose Duration element was rewritten to claim 2 s. */
const lyingClip = join(work, 'lying.mkv');

let t: TestApp;
before(async () => {
  ffmpeg('-f', 'lavfi', '-i', 'color=black:s=320x240:r=1:d=4000', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '600', longClip);
  assert.ok(statSync(longClip).size < 1_000_000, 'the long clip is tiny');
  const mkv = join(work, 'long.mkv');
  ffmpeg('-i', longClip, '-c', 'copy', mkv);
  writeFileSync(lyingClip, claimDuration(readFileSync(mkv), 2000));
  t = await startTestApp({ SLUICE_MAX_DURATION: '1m', SLUICE_MAX_PIXEL_RATE: '640x480@30' });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

/** Rewrites the Segment Info Duration (EBML id 0x4489, an 8-byte float in TimestampScale units, 1 ms by default). */
function claimDuration(mkv: Buffer, ms: number): Buffer {
  const at = mkv.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  assert.ok(at > 0, 'the Matroska file has an 8-byte Duration element');
  const out = Buffer.from(mkv);
  out.writeDoubleBE(ms, at + 3);
  return out;
}

async function upload(file: string, token = t.token({ aud: 'upload' })): Promise<{ id: string; doc: StatusDocument }> {
  const r = await tusUpload(`${t.url}/api/uploads`, file, token);
  return { id: r.videoId, doc: await waitSettled(t.url, r.videoId, t.token({ aud: 'admin' })) };
}

/** Nothing was encoded: the output folder holds no playlist, segment or picture. */
function assertNothingEncoded(id: string): void {
  const out = t.app.sluice.media.outDir(id);
  assert.deepEqual(existsSync(out) ? readdirSync(out, { recursive: true }) : [], []);
}

describe('duration', () => {
  test('an hour-long upload under SLUICE_MAX_DURATION=1m fails at probe with TOO_LONG', async () => {
    const { id, doc } = await upload(longClip);
    assert.equal(doc.status, 'failed');
    assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
    assert.match(doc.error!.message, /1h 6m 40s \(4000 s\)/, 'says what was found');
    assert.match(doc.error!.message, /at most 1m \(60 s\).*SLUICE_MAX_DURATION/, 'says the limit');
    assertNothingEncoded(id);
  });

  test('a container that claims 2 s but holds an hour is stopped past the limit', async () => {
    const probed = execFileSync(FFPROBE, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', lyingClip], { encoding: 'utf8' });
    assert.equal(Number(probed), 2, 'ffprobe believes the header');
    const { doc } = await upload(lyingClip);
    assert.equal(doc.status, 'failed', 'not turned into a ready (truncated) video');
    assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG', doc.error?.message);
    assert.match(doc.error!.message, /longer than its container said/);
  });

  test("the upload token's maxDuration claim is enforced at probe, when stricter", async () => {
    const strict = await upload(join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload', maxDuration: 1 }));
    assert.equal(strict.doc.status, 'failed');
    assert.equal(strict.doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
    assert.match(strict.doc.error!.message, /at most 1 s is accepted \(the upload token's maxDuration\)/);
    assertNothingEncoded(strict.id);
    // A claim looser than the server's limit does not lift it.
    const loose = await upload(longClip, t.token({ aud: 'upload', maxDuration: 86400 }));
    assert.equal(loose.doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
    assert.match(loose.doc.error!.message, /SLUICE_MAX_DURATION/);
    const fits = await upload(join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload', maxDuration: 10 }));
    assert.equal(fits.doc.status, 'ready', JSON.stringify(fits.doc.error));
  });

  test('POST /api/tokens accepts maxDuration as seconds or a duration, and refuses nonsense', async () => {
    const mint = (body: unknown): Promise<Response> => fetch(`${t.url}/api/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token({ aud: 'admin' })}` }, body: JSON.stringify(body),
    });
    const res = await mint({ aud: 'upload', maxDuration: '1s' });
    assert.equal(res.status, 200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { maxDuration?: number };
    assert.equal(claims.maxDuration, 1);
    const { doc } = await upload(join(FIXTURES, 'tiny-2s.mp4'), token);
    assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
    assert.equal((await mint({ aud: 'upload', maxDuration: 600 })).status, 200);
    for (const bad of ['forever', 0, -5, '0s']) {
      const r = await mint({ aud: 'upload', maxDuration: bad });
      assert.equal(r.status, 400, `maxDuration ${JSON.stringify(bad)}`);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_REQUEST_INVALID');
    }
  });
});

test('sluice token --max-duration puts the claim in an upload token the server accepts', async () => {
  const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
  const env = { ...process.env, SLUICE_DATA_DIR: t.config.dataDir };
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, 'token', '--aud', 'upload', ...args], { env, encoding: 'utf8' });
  const ok = run('--max-duration', '1s');
  assert.equal(ok.status, 0, ok.stderr);
  const token = ok.stdout.trim();
  assert.equal((JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { maxDuration?: number }).maxDuration, 1);
  const { doc } = await upload(join(FIXTURES, 'tiny-2s.mp4'), token);
  assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
  const bad = run('--max-duration', 'soon');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--max-duration "soon" is not a duration/);
});

describe('picture size and pixel rate', () => {
  test('width × height × fps above SLUICE_MAX_PIXEL_RATE fails at probe with TOO_LARGE', async () => {
    const big = join(work, 'big.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'color=gray:s=2000x2000:r=5:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', big);
    const { id, doc } = await upload(big);
    assert.equal(doc.status, 'failed');
    assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LARGE');
    assert.match(doc.error!.message, /2000×2000 at 5 fps, 20000000 pixels per second; at most 9216000/);
    assertNothingEncoded(id);
  });

  test('a side above 8192 pixels fails at probe with TOO_LARGE', async () => {
    const wide = join(work, 'wide.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'color=gray:s=8200x16:r=1:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', wide);
    const { id, doc } = await upload(wide);
    assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_TOO_LARGE');
    assert.match(doc.error!.message, /8200×16; at most 8192/);
    assertNothingEncoded(id);
  });
});
