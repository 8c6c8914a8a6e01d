// `?expiry=linear` playlists (for the browser's own HLS): each media URL
// expires a TTL after the moment a straight-through viewer needs it. Real
// ffmpeg, a real server on port 0, real /media requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { playlistUris, waitSettled } from '../support/api.js';

const TTL = 60;
let t: TestApp;
let hls = '';
before(async () => {
  t = await startTestApp({ SLUICE_MEDIA_TTL: `${TTL}s` });
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  hls = doc.hls!;
});
after(() => t.close());

const get = async (url: string): Promise<Response> => fetch(url);
const exp = (url: string): number => Number(new URL(url).searchParams.get('exp'));
const withQuery = (url: string, extra: string): string => `${url}${url.includes('?') ? '&' : '?'}${extra}`;

/** The first variant of `master` and the URIs with the EXTINF before each segment. */
async function firstVariant(master: string): Promise<{ variant: string; text: string; uris: string[]; fetchedAt: number }> {
  const variant = new URL(playlistUris(await (await get(master)).text())[0]!, master).href;
  const fetchedAt = Date.now() / 1000;
  const res = await get(variant);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const text = await res.text();
  return { variant, text, uris: playlistUris(text), fetchedAt };
}

test('linear: the flag travels into the variant URIs; segment n expires fetch + its start time + TTL; init with its last segment', async () => {
  const { variant, text, uris, fetchedAt } = await firstVariant(withQuery(hls, 'expiry=linear'));
  assert.match(variant, /[?&]token=[^&]+&expiry=linear$/);
  const durations = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
  const [init, ...segments] = uris;
  assert.equal(segments.length, durations.length);
  assert.ok(segments.length >= 3, 'a 10 s clip in 2 s segments');
  let start = 0;
  segments.forEach((seg, i) => {
    const expected = fetchedAt + start + TTL;
    assert.ok(Math.abs(exp(seg) - expected) <= 2, `segment ${i}: exp ${exp(seg)}, expected ≈ ${expected.toFixed(1)}`);
    start += durations[i]!;
  });
  assert.equal(exp(init!), exp(segments.at(-1)!));
  assert.ok(exp(segments.at(-1)!) - exp(segments[0]!) >= 7, 'the last segment outlives the first by ~its start time');
  // Every URL is a working signed URL.
  for (const u of [init!, segments[0]!, segments.at(-1)!]) assert.equal((await get(u)).status, 200, u);
});

test('without the flag every media URL expires together, a TTL from now (unchanged contract)', async () => {
  const { variant, uris } = await firstVariant(hls);
  assert.doesNotMatch(variant, /expiry=/);
  assert.equal(new Set(uris.map(exp)).size, 1);
});

test('a bad expiry value is a 400 with SLUICE_ERR_REQUEST_INVALID naming the parameter', async () => {
  const res = await get(withQuery(hls, 'expiry=forever'));
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'SLUICE_ERR_REQUEST_INVALID');
  assert.match(body.error.message, /expiry/);
});
