// Thumbnails of a video kept in a bucket (s3rver on loopback): the init and
// media segment are read through storage, not from a local folder, and the
// picture is still ffmpeg's own frame at the keyframe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import { startBucketApps, type BucketApps } from '../support/bucket-app.js';
import { decodeImage, makeHueClip, meanAbsDiff, referenceFrame } from './support.js';

let buckets: BucketApps;
let t: TestApp;
before(async () => {
  buckets = await startBucketApps();
  t = await buckets.app('direct');
});
after(async () => { await t.close(); await buckets.stop(); });

test('a bucket video: JPEG and WebP thumbnails drawn from segments read out of the bucket', async () => {
  const clip = makeHueClip();
  const r = await tusUpload(`${t.url}/api/uploads`, clip, t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  // Nothing of the video's media is on local disk: the staging folder is gone once published.
  assert.equal(existsSync(t.app.sluice.media.outDir(r.videoId)), false);
  for (const format of ['jpg', 'webp'] as const) {
    const res = await fetch(`${t.url}/api/videos/${r.videoId}/thumbnail.${format}?time=5.5&width=480&token=${r.videoToken}`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('sluice-thumbnail-time'), '4.000');
    const got = decodeImage(Buffer.from(await res.arrayBuffer()));
    const ref = referenceFrame(clip, 4, 480);
    assert.deepEqual([got.width, got.height], [ref.width, ref.height]);
    assert.ok(meanAbsDiff(got, ref) < 6, format);
  }
});
