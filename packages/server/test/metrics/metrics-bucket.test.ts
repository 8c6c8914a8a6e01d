// On a bucket (s3rver on loopback, proxy delivery): the originals cache's
// hits, misses and bytes reach /metrics as cache="originals" and agree with
// /api/admin/jobs; proxied media bytes are counted like disk ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { playlistUris, waitSettled } from '../support/api.js';
import { startBucketApps, type BucketApps } from '../support/bucket-app.js';
import { scrapeParsed, value } from './metrics-support.js';

let buckets: BucketApps;
let t: TestApp;
before(async () => {
  buckets = await startBucketApps();
  t = await buckets.app('proxy');
});
after(async () => { await t.close(); await buckets.stop(); });

test('the originals cache counts a download, then a hit on reprocess; proxied ranges are counted', async () => {
  const admin = t.token({ aud: 'admin' });
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  assert.equal((await waitSettled(t.url, r.videoId, r.videoToken)).status, 'ready');
  const first = await scrapeParsed(t.url, admin);
  assert.equal(value(first, 'sluice_cache_misses_total', { cache: 'originals' }), 1, 'one download');
  assert.equal(value(first, 'sluice_cache_hits_total', { cache: 'originals' }), 0);
  assert.ok(value(first, 'sluice_cache_bytes', { cache: 'originals' }) > 0);
  assert.equal(value(first, 'sluice_cache_hits_total', { cache: 'fd' }) + value(first, 'sluice_cache_misses_total', { cache: 'fd' }), 0, 'no descriptor cache on a bucket');
  assert.equal(value(first, 'sluice_rung_encode_seconds', { rung: 'other' }), 1, 'a 240p source has one rung below 360p');

  const again = await fetch(`${t.url}/api/videos/${r.videoId}/reprocess?token=${admin}`, { method: 'POST' });
  assert.equal(again.status, 202);
  assert.equal(((await again.json()) as { status: string }).status, 'queued');
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready');
  const second = await scrapeParsed(t.url, admin);
  const stats = ((await (await fetch(`${t.url}/api/admin/jobs?token=${admin}`)).json()) as { cache: { hits: number; misses: number; bytes: number } }).cache;
  assert.equal(value(second, 'sluice_cache_hits_total', { cache: 'originals' }), 1, 'the second run read the cached original');
  assert.equal(value(second, 'sluice_cache_hits_total', { cache: 'originals' }), stats.hits);
  assert.equal(value(second, 'sluice_cache_misses_total', { cache: 'originals' }), stats.misses);
  assert.equal(value(second, 'sluice_cache_bytes', { cache: 'originals' }), stats.bytes);

  const master = await (await fetch(doc.hls!)).text();
  const media = await (await fetch(new URL(playlistUris(master)[0]!, doc.hls!).href)).text();
  const segment = playlistUris(media)[1]!;
  const ranged = await fetch(segment, { headers: { range: 'bytes=10-109' } });
  assert.equal(ranged.status, 206);
  assert.equal((await ranged.arrayBuffer()).byteLength, 100);
  const played = await scrapeParsed(t.url, admin);
  assert.equal(value(played, 'sluice_media_requests_total', { status: '206', kind: 'range' }) - value(second, 'sluice_media_requests_total', { status: '206', kind: 'range' }), 1);
  assert.equal(value(played, 'sluice_media_bytes_total') - value(second, 'sluice_media_bytes_total'), 100);
});
