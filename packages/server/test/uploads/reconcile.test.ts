/**
 * The reconciler: a node that died after the last byte of an upload was
 * stored but before it queued the video leaves the video `uploading`; the
 * next reconciler round (on any node) queues it, and it is processed.
 * Incomplete and just-finished uploads are left to their own node.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { originalKey } from '../../src/storage/media-store.js';
import { SETTLE_MS, reconcile } from '../../src/uploads/reconcile.js';
import { getStatus, waitSettled } from '../support/api.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(() => t.close());

async function leftUploading(file: string, size: number, owner: string): Promise<string> {
  const { store, media } = t.app.sluice;
  const id = randomBytes(16).toString('hex');
  await store.createVideo({ id, status: 'uploading', title: 'left behind', filename: 'clip.mp4', size, owner });
  await media.storage.put(originalKey(id), createReadStream(file));
  return id;
}

test('a video left uploading with a complete original is queued and processed; others are left alone', async () => {
  const file = join(FIXTURES, 'tiny-2s.mp4');
  const size = statSync(file).size;
  const complete = await leftUploading(file, size, 'alice');
  const partial = await leftUploading(file, size + 1000, 'alice'); // the original holds fewer bytes than declared
  const { store } = t.app.sluice;
  const deferred = randomBytes(16).toString('hex');
  await store.createVideo({ id: deferred, status: 'uploading', title: 'no length yet', filename: 'x.mp4', size: null });

  // Just finished: its own node is about to queue it.
  assert.deepEqual(await reconcile(t.app.sluice), { uploads: [], resent: [] });
  assert.equal((await store.getVideo(complete))?.status, 'uploading');

  const report = await reconcile(t.app.sluice, Date.now() + SETTLE_MS + 1000);
  assert.deepEqual(report, { uploads: [complete], resent: [] });
  assert.equal((await store.getVideo(partial))?.status, 'uploading');
  assert.equal((await store.getVideo(deferred))?.status, 'uploading');

  const token = t.token({ aud: 'playback', sub: complete });
  const doc = await waitSettled(t.url, complete, token);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  assert.equal((await getStatus(t.url, complete, token)).playable, true);
  // A second round finds nothing more to do.
  assert.deepEqual(await reconcile(t.app.sluice, Date.now() + SETTLE_MS + 1000), { uploads: [], resent: [] });
});
