// The whole server on a bucket (s3rver on loopback): tus uploads land in the
// bucket, the original is transcoded through the disk cache, renditions go up
// while ffmpeg runs, and media is delivered `direct` (presigned bucket URLs)
// or `proxy` (streamed by the server with Range).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { playlistUris, waitSettled } from '../support/api.js';
import { startBucketApps, type BucketApps } from '../support/bucket-app.js';

let buckets: BucketApps;
before(async () => { buckets = await startBucketApps(); });
after(() => buckets.stop());

const bucketApp = (delivery: 'direct' | 'proxy'): Promise<TestApp> => buckets.app(delivery);

async function jobs(t: TestApp): Promise<{ cache: { hits: number; misses: number; downloadedBytes: number }; storage: { kind: string } }> {
  return (await (await fetch(`${t.url}/api/admin/jobs?token=${t.token({ aud: 'admin' })}`)).json()) as never;
}

describe('direct delivery from S3', () => {
  let t: TestApp;
  before(async () => { t = await bucketApp('direct'); });
  after(() => t.close());

  test('upload → bucket → ready; playlists carry presigned bucket URLs; nothing media-shaped stays on local disk', async () => {
    const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), t.token({ aud: 'upload' }), { chunkSize: 6 * 1024 * 1024 });
    assert.ok(await t.app.sluice.media.storage.stat(`uploads/${r.videoId}`), 'the original is in the bucket');
    // Follow the status stream: playable must come before ready (published while encoding).
    const seen: Array<{ status: string; playable: boolean }> = [];
    const res = await fetch(`${t.url}/api/videos/${r.videoId}/events?token=${r.videoToken}`);
    for await (const chunk of res.body!) for (const m of Buffer.from(chunk as Uint8Array).toString().matchAll(/^data: (.*)$/gm)) seen.push(JSON.parse(m[1]!) as { status: string; playable: boolean });
    assert.equal(seen.at(-1)?.status, 'ready', JSON.stringify(seen.at(-1)));
    assert.ok(seen.some((d) => d.status === 'processing' && d.playable), 'playable while still processing');

    const doc = await waitSettled(t.url, r.videoId, r.videoToken);
    assert.ok(doc.mp4!.startsWith(buckets.s3.endpoint), `mp4 is a bucket URL: ${doc.mp4}`);
    const mp4 = await fetch(doc.mp4!, { headers: { range: 'bytes=0-99' } });
    assert.equal(mp4.status, 206);
    assert.equal((await mp4.arrayBuffer()).byteLength, 100);
    const master = await (await fetch(doc.hls!)).text();
    const variant = new URL(playlistUris(master)[0]!, doc.hls!).href;
    const media = await (await fetch(variant)).text();
    assert.match(media, /#EXT-X-ENDLIST/);
    const [init, seg] = playlistUris(media);
    for (const u of [init!, seg!]) {
      assert.ok(u.startsWith(buckets.s3.endpoint), `segment URL points at the bucket: ${u}`);
      const got = await fetch(u);
      assert.equal(got.status, 200);
      assert.ok((await got.arrayBuffer()).byteLength > 100);
    }
    assert.ok(!existsSync(join(t.config.dataDir, 'media', r.videoId)), 'no local media folder');
    assert.deepEqual(readdirSync(join(t.config.cacheDir, 'work')), [], 'staging folder removed');
    const stats = await jobs(t);
    assert.equal(stats.storage.kind, 's3');
    assert.equal(stats.cache.misses, 1);
    assert.ok(stats.cache.downloadedBytes > 1_000_000);

    // Reprocessing the same original comes from the cache: no second download.
    const admin = t.token({ aud: 'admin' });
    assert.equal((await fetch(`${t.url}/api/videos/${r.videoId}/reprocess`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })).status, 202);
    assert.equal((await waitSettled(t.url, r.videoId, admin)).status, 'ready');
    const again = await jobs(t);
    assert.equal(again.cache.downloadedBytes, stats.cache.downloadedBytes);
    assert.equal(again.cache.hits, 1);

    assert.equal((await fetch(`${t.url}/api/videos/${r.videoId}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status, 204);
    const left = [];
    for await (const o of t.app.sluice.media.storage.list(`media/${r.videoId}/`)) left.push(o.key);
    assert.deepEqual(left, []);
    assert.equal(await t.app.sluice.media.storage.stat(`uploads/${r.videoId}`), undefined);
  });
});

describe('proxy delivery from S3', () => {
  let t: TestApp;
  before(async () => { t = await bucketApp('proxy'); });
  after(() => t.close());

  test('segments and MP4 are streamed by the server with exact Range answers; bad signatures still 403', async () => {
    const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
    const doc = await waitSettled(t.url, r.videoId, r.videoToken);
    assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
    assert.ok(doc.mp4!.startsWith(`${t.url}/media/`), doc.mp4);
    const whole = Buffer.from(await (await fetch(doc.mp4!)).arrayBuffer());
    const info = await t.app.sluice.media.storage.stat(`media/${r.videoId}/video.mp4`);
    assert.equal(whole.length, info!.size);
    const part = await fetch(doc.mp4!, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${info!.size}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(10, 20));
    const suffix = await fetch(doc.mp4!, { headers: { range: `bytes=-${info!.size + 100}` } });
    assert.equal(suffix.status, 206, 'a suffix longer than the file is the whole file');
    assert.equal((await suffix.arrayBuffer()).byteLength, info!.size);
    const multi = await fetch(doc.mp4!, { headers: { range: 'bytes=0-4,20-29' } });
    assert.equal(multi.status, 206);
    assert.match(multi.headers.get('content-type') ?? '', /^multipart\/byteranges; boundary=/);
    await multi.arrayBuffer();
    assert.equal((await fetch(doc.mp4!, { headers: { range: `bytes=${info!.size + 5}-` } })).status, 416);
    const etag = part.headers.get('etag')!;
    assert.equal((await fetch(doc.mp4!, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(doc.mp4!.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`))).status, 403);
    const master = await (await fetch(doc.hls!)).text();
    const media = await (await fetch(new URL(playlistUris(master)[0]!, doc.hls!).href)).text();
    const seg = playlistUris(media)[1]!;
    assert.ok(seg.startsWith(`${t.url}/media/`));
    assert.equal((await fetch(seg)).status, 200);
  });
});
