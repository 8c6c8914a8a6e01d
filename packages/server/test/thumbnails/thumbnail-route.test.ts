// GET /api/videos/:id/thumbnail.{jpg,webp}: the picture is ffmpeg's own frame
// at the keyframe time (compared by size and pixels), widths and times are
// clamped, malformed parameters are refused, and auth works by token and by
// signed URL. Real ffmpeg, a real server on port 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import { signedThumbnailUrl } from '../../src/thumbnails/thumbnail-url.js';
import { type Rgb, decodeImage, makeHueClip, meanAbsDiff, referenceFrame } from './support.js';

/**
 * Mean absolute difference (0–255 per sample) under which a thumbnail is
 * "ffmpeg's frame at that time". Measured here (JPEG, 320–1000 px): the
 * same frame, through the H.264 ladder, a scale and JPEG, differs from the
 * original's by 1.6–2.3; the frame 1 s later (hue turned 36°) by 42–49.
 * The first test checks both sides, so this bound can fail.
 */
const SAME_FRAME = 6;

let t: TestApp;
let clip = '';
let id = '';
let token = '';
before(async () => {
  clip = makeHueClip();
  t = await startTestApp();
  const r = await tusUpload(`${t.url}/api/uploads`, clip, t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  [id, token] = [r.videoId, r.videoToken];
});
after(() => t.close());

const url = (query: string, format = 'jpg'): string => `${t.url}/api/videos/${id}/thumbnail.${format}?${query}`;

async function picture(res: Response): Promise<Rgb> {
  assert.equal(res.status, 200, await res.clone().text());
  return decodeImage(Buffer.from(await res.arrayBuffer()));
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

test('JPEG at several times: the keyframe at or before the time, same size and pixels as ffmpeg\'s own frame there; another time differs', async () => {
  for (const [time, width, keyframe] of [[0.5, 480, 0], [3.2, 480, 2], [7.9, 1000, 6], [5, 320, 4]] as const) {
    const res = await fetch(url(`time=${time}&width=${width}&token=${token}`));
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('sluice-thumbnail-time'), keyframe.toFixed(3));
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    const got = await picture(res);
    const ref = referenceFrame(clip, keyframe, width);
    assert.deepEqual([got.width, got.height], [ref.width, ref.height]);
    const same = meanAbsDiff(got, ref);
    const other = meanAbsDiff(got, referenceFrame(clip, keyframe + 1, width));
    assert.ok(same < SAME_FRAME, `t=${time}: ${same.toFixed(2)} from the keyframe's frame`);
    assert.ok(other > SAME_FRAME, `t=${time}: ${other.toFixed(2)} from the frame 1 s later`);
  }
});

test('WebP: image/webp, same frame', async () => {
  const res = await fetch(url(`time=4.5&width=640&token=${token}`, 'webp'));
  assert.equal(res.headers.get('content-type'), 'image/webp');
  const got = await picture(res);
  const ref = referenceFrame(clip, 4, 640);
  assert.deepEqual([got.width, got.height], [640, 360]);
  assert.ok(meanAbsDiff(got, ref) < SAME_FRAME);
});

test('width is clamped to [32, widest rendition] and made even; time past the end gives the last keyframe; defaults: poster time, 640 px', async () => {
  for (const [asked, expected] of [['100000', 1280], ['1', 32], ['0', 32], ['481', 480]] as const) {
    const res = await fetch(url(`time=1&width=${asked}&token=${token}`));
    assert.equal(res.headers.get('sluice-thumbnail-width'), String(expected));
    assert.equal((await picture(res)).width, expected, `width=${asked}`);
  }
  const late = await fetch(url(`time=9999&width=320&token=${token}`));
  assert.equal(late.headers.get('sluice-thumbnail-time'), '8.000');
  assert.ok(meanAbsDiff(await picture(late), referenceFrame(clip, 8, 320)) < SAME_FRAME);
  const plain = await fetch(url(`token=${token}`));
  assert.equal(plain.headers.get('sluice-thumbnail-time'), '0.000', 'poster time: 10 % of 10 s → keyframe 0');
  assert.equal((await picture(plain)).width, 640);
});

test('malformed time or width → 400 SLUICE_ERR_THUMBNAIL_INVALID', async () => {
  for (const q of ['time=-1', 'time=NaN', 'time=1e309', 'time=Infinity', 'time=12.5s', 'time=', 'time=1&time=2', 'width=abc', 'width=-5', 'width=1.5', 'width=99999999999']) {
    const res = await fetch(url(`${q}&token=${token}`));
    assert.equal(res.status, 400, q);
    assert.equal(await errorCode(res), 'SLUICE_ERR_THUMBNAIL_INVALID', q);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
});

test('auth: none 401, another video\'s playback token 403, admin and Bearer 200, unknown video 404', async () => {
  assert.equal((await fetch(url('time=1'))).status, 401);
  const other = t.token({ aud: 'playback', sub: 'f'.repeat(32) });
  const res = await fetch(url(`time=1&token=${other}`));
  assert.equal(res.status, 403);
  assert.equal(await errorCode(res), 'SLUICE_ERR_AUTH_FORBIDDEN');
  assert.equal((await fetch(url(`time=1&token=${t.token({ aud: 'upload' })}`))).status, 403);
  assert.equal((await fetch(url(`time=1&token=${t.token({ aud: 'admin' })}`))).status, 200);
  assert.equal((await fetch(url('time=1'), { headers: { authorization: `Bearer ${token}` } })).status, 200);
  const missing = await fetch(`${t.url}/api/videos/${'e'.repeat(32)}/thumbnail.jpg?token=${t.token({ aud: 'admin' })}`);
  assert.equal(missing.status, 404);
});

test('signed URLs: good 200 (cacheable until expiry), tampered or re-used for other parameters 403, expired 410, both no-store', async () => {
  const now = Math.floor(Date.now() / 1000);
  const good = signedThumbnailUrl(t.app.sluice.signer, t.url, id, 'jpg', { time: 3, width: 320 }, now + 600);
  const ok = await fetch(good);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('sluice-thumbnail-time'), '2.000');
  const maxAge = Number(/max-age=(\d+)/.exec(ok.headers.get('cache-control') ?? '')?.[1]);
  assert.ok(maxAge > 590 && maxAge <= 600, `max-age ${maxAge}`);
  // The same time spelt differently is the same picture.
  assert.equal((await fetch(good.replace('time=3', 'time=3.000'))).status, 200);

  const sig = new URL(good).searchParams.get('sig')!;
  const tampered = good.replace(`sig=${sig}`, `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
  for (const bad of [tampered, good.replace('width=320', 'width=1280'), good.replace('time=3', 'time=5'), good.replace('thumbnail.jpg', 'thumbnail.webp')]) {
    const res = await fetch(bad);
    assert.equal(res.status, 403, bad);
    assert.equal(await errorCode(res), 'SLUICE_ERR_SIGNATURE_INVALID');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
  const expired = await fetch(signedThumbnailUrl(t.app.sluice.signer, t.url, id, 'jpg', { time: 3, width: 320 }, now - 5));
  assert.equal(expired.status, 410);
  assert.equal(await errorCode(expired), 'SLUICE_ERR_SIGNATURE_EXPIRED');
  assert.equal(expired.headers.get('cache-control'), 'no-store');
});

test('the status document\'s thumbnail URL works with time and width appended; ETag and If-None-Match → 304', async () => {
  const doc = (await (await fetch(`${t.url}/api/videos/${id}?token=${token}`)).json()) as { thumbnail?: string };
  assert.ok(doc.thumbnail, 'status document has thumbnail');
  const res = await fetch(`${doc.thumbnail}&time=6&width=320`);
  assert.ok(meanAbsDiff(await picture(res), referenceFrame(clip, 6, 320)) < SAME_FRAME);
  const etag = res.headers.get('etag')!;
  assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
  const again = await fetch(`${doc.thumbnail}&time=7&width=320`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304, 'time 7 snaps to the same keyframe (6): same picture');
});

test('a deleted video\'s thumbnails are gone', async () => {
  const r = await tusUpload(`${t.url}/api/uploads`, clip, t.token({ aud: 'upload' }));
  assert.equal((await waitSettled(t.url, r.videoId, r.videoToken)).status, 'ready');
  const admin = t.token({ aud: 'admin' });
  const at = `${t.url}/api/videos/${r.videoId}/thumbnail.jpg?time=2&width=320&token=${admin}`;
  assert.equal((await fetch(at)).status, 200);
  assert.equal((await fetch(`${t.url}/api/videos/${r.videoId}?token=${admin}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(at)).status, 404);
});
