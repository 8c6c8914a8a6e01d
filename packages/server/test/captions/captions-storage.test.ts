// Caption files on a bucket (s3rver on loopback): the whole track and the
// HLS segments go through the storage layer and are served by /media
// (proxy) or presigned (direct); and with SLUICE_CORS_ORIGINS a page on an
// allowed origin may load the track (<video crossorigin> + <track>).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CaptionTrack } from '@sluice/protocol';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startBucketApps, type BucketApps } from '../support/bucket-app.js';

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nOn a bucket\n';

async function videoWithTrack(t: TestApp): Promise<{ id: string; track: CaptionTrack }> {
  const id = randomBytes(16).toString('hex');
  await t.app.sluice.store.createVideo({ id, status: 'ready', title: 'v', filename: 'v.mp4', size: 1 });
  await t.app.sluice.store.updateVideo(id, { duration: 5 });
  const res = await fetch(`${t.url}/api/videos/${id}/captions`, {
    method: 'POST', headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}`, 'content-type': 'application/json' },
    body: JSON.stringify({ lang: 'en', text: VTT }),
  });
  assert.equal(res.status, 201);
  return { id, track: (await res.json()) as CaptionTrack };
}

describe('caption files on S3 (s3rver)', () => {
  let buckets: BucketApps;
  before(async () => { buckets = await startBucketApps(); });
  after(() => buckets.stop());

  for (const delivery of ['proxy', 'direct'] as const) {
    test(`${delivery}: the track and its segments are in the bucket and served as text/vtt; deleting removes them`, async () => {
      const t = await buckets.app(delivery);
      try {
        const { id, track } = await videoWithTrack(t);
        const keys: string[] = [];
        for await (const o of t.app.sluice.media.storage.list(`media/${id}/captions/`)) keys.push(o.key);
        assert.deepEqual(keys.sort(), [
          `media/${id}/captions/${track.id}.m3u8`, `media/${id}/captions/${track.id}.vtt`,
          `media/${id}/captions/${track.id}/00000.vtt`, `media/${id}/captions/${track.id}/00001.vtt`, `media/${id}/captions/${track.id}/00002.vtt`,
        ]);
        if (delivery === 'proxy') assert.match(track.url, /\/media\/.*\?exp=\d+&sig=/);
        else assert.ok(track.url.startsWith(buckets.s3.endpoint), 'a presigned bucket URL');
        const res = await fetch(track.url);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/vtt/);
        assert.equal(await res.text(), VTT);
        const del = await fetch(`${t.url}/api/videos/${id}/captions/${track.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}` } });
        assert.equal(del.status, 204);
        for await (const o of t.app.sluice.media.storage.list(`media/${id}/captions/`)) assert.fail(`left behind: ${o.key}`);
      } finally {
        await t.close();
      }
    });
  }
});

test('CORS: an allowed origin may load the track; others get no grant', async () => {
  const t = await startTestApp({ SLUICE_CORS_ORIGINS: 'https://site.example' });
  try {
    const { track } = await videoWithTrack(t);
    const allowed = await fetch(track.url, { headers: { origin: 'https://site.example' } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://site.example');
    const other = await fetch(track.url, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${t.url}/api/videos/x/captions/y`, { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'PUT' } });
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
  } finally {
    await t.close();
  }
});
