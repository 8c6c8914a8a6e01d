// Thumbnails cannot exhaust the machine: identical concurrent requests share
// one ffmpeg run, a full queue answers 503 with Retry-After, and 10 000
// distinct times map to at most one cache entry per keyframe and width,
// within the cache's byte cap. The real ffmpeg, behind a gate
// (support.ts) so that a run is provably still going when the next request comes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import { type GatedFfmpeg, gatedFfmpeg, makeHueClip } from './support.js';

/** SLUICE_CACHE_MAX; thumbnails get a tenth of it. */
const CACHE_MAX = 2_000_000;
const THUMBNAIL_CAP = CACHE_MAX / 10;
/** Keyframes of the 10 s clip: 0, 2, 4, 6, 8. */
const KEYFRAMES = 5;

let t: TestApp;
let ffmpeg: GatedFfmpeg;
let id = '';
let token = '';
before(async () => {
  ffmpeg = gatedFfmpeg();
  t = await startTestApp({ FFMPEG_PATH: ffmpeg.path, SLUICE_CACHE_MAX: String(CACHE_MAX) });
  const r = await tusUpload(`${t.url}/api/uploads`, makeHueClip(), t.token({ aud: 'upload' }));
  assert.equal((await waitSettled(t.url, r.videoId, r.videoToken)).status, 'ready');
  [id, token] = [r.videoId, r.videoToken];
});
after(async () => { ffmpeg.open(); await t.close(); });

interface Stats { runs: number; running: number; waiting: number; hits: number; misses: number; entries: number; bytes: number; maxBytes: number }
async function stats(): Promise<Stats> {
  const res = await fetch(`${t.url}/api/admin/jobs?token=${t.token({ aud: 'admin' })}`);
  return ((await res.json()) as { thumbnails: Stats }).thumbnails;
}
const url = (time: number | string, width: number): string => `${t.url}/api/videos/${id}/thumbnail.jpg?time=${time}&width=${width}&token=${token}`;

test('identical concurrent requests share ONE ffmpeg run', async () => {
  ffmpeg.close();
  const before = ffmpeg.starts();
  const asked = await stats();
  // Different spellings of times that snap to one keyframe: one cache key.
  const pending = ['2', '2.5', '3.1', '3.999', '2.000'].map((time) => fetch(url(time, 200)));
  await waitFor('all five requests at the cache', async () => { const s = await stats(); return s.hits + s.misses - asked.hits - asked.misses >= 5 || undefined; }, 30_000);
  ffmpeg.open();
  const bodies = await Promise.all(pending.map(async (p) => { const r = await p; assert.equal(r.status, 200); return Buffer.from(await r.arrayBuffer()); }));
  assert.equal(ffmpeg.starts() - before, 1, 'one ffmpeg for five requests');
  for (const b of bodies) assert.ok(b.equals(bodies[0]!));
});

test('beyond 2 running and 8 waiting generations → 503 SLUICE_ERR_THUMBNAIL_BUSY with Retry-After; the others then succeed', async () => {
  ffmpeg.close();
  // Ten distinct pictures (distinct widths): two run, eight wait.
  const pending = Array.from({ length: 10 }, (_, i) => fetch(url(1, 100 + 2 * i)));
  await waitFor('2 running and 8 waiting', async () => { const s = await stats(); return (s.running === 2 && s.waiting === 8) || undefined; }, 30_000);
  const busy = await fetch(url(1, 300));
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  assert.equal(busy.headers.get('cache-control'), 'no-store');
  assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_THUMBNAIL_BUSY');
  ffmpeg.open();
  for (const res of await Promise.all(pending)) assert.equal(res.status, 200);
  assert.equal((await stats()).running, 0);
});

test('10 000 distinct times at two widths: at most keyframes × widths runs, the cache within its byte cap', async () => {
  ffmpeg.open();
  const before = ffmpeg.starts();
  const widths = [160, 240];
  const total = 10_000;
  let next = 0;
  const statuses = new Map<number, number>();
  // 8 requests in flight at a time: times 0.000 … 9.999, every one distinct.
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < total) {
      const i = next++;
      const res = await fetch(url((i / 1000).toFixed(3), widths[i % 2]!));
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }));
  assert.deepEqual([...statuses], [[200, total]]);
  const runs = ffmpeg.starts() - before;
  assert.ok(runs <= KEYFRAMES * widths.length, `${runs} ffmpeg runs`);
  const s = await stats();
  assert.equal(s.maxBytes, THUMBNAIL_CAP);
  assert.ok(s.bytes <= THUMBNAIL_CAP, `cache holds ${s.bytes} bytes`);
  // …and so does the disk.
  const dir = join(t.config.cacheDir, 'thumbnails');
  const files = readdirSync(dir).map((f) => statSync(join(dir, f)).size);
  assert.ok(files.reduce((a, b) => a + b, 0) <= THUMBNAIL_CAP);
  assert.ok(files.length <= s.entries && s.entries <= KEYFRAMES * widths.length + 11 + 1, `${s.entries} entries`);
});
