/**
 * One upload through a scale-out deployment in miniature: an API node with
 * jobs off takes the tus upload, a separate worker node transcodes it from
 * the bucket, and an SSE client on a second API node hears every status
 * change up to `ready` (the change is written by the worker and crosses
 * nodes over LISTEN/NOTIFY or Redis pub/sub).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { originalKey } from '../../src/storage/media-store.js';
import { SETTLE_MS, reconcile } from '../../src/uploads/reconcile.js';
import { getStatus, waitSettled } from '../support/api.js';
import { FIXTURES } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { s3rverBucket, startS3rver, type RunningS3rver } from '../storage/support/s3rver.js';
import { clusterEnv, followStatus, startNode, type Cluster, type Node } from './support.js';

export interface Engines {
  /** A fresh, empty PostgreSQL database for this run. */
  databaseUrl(): Promise<string>;
  redisUrl?(): Promise<string>;
  stop(): Promise<void>;
}

export function describeScaleOut(name: string, mode: 'postgres' | 'redis', start: () => Promise<Engines>): void {
  describe(`scale-out on ${name}`, () => {
    let engines: Engines;
    let s3: RunningS3rver;
    let cluster: Cluster;
    const nodes: Node[] = [];
    before(async () => {
      engines = await start();
      s3 = await startS3rver();
      process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
      const { bucket } = await s3rverBucket(s3);
      cluster = await clusterEnv({ databaseUrl: await engines.databaseUrl(), ...(engines.redisUrl ? { redisUrl: await engines.redisUrl() } : {}), s3, bucket });
    });
    after(async () => {
      for (const n of nodes.reverse()) await n.close().catch(() => undefined);
      await s3?.stop();
      await engines?.stop();
    });

    test('upload on API node A, transcode on worker W, SSE on API node B sees every step to ready', async () => {
      const a = await startNode(cluster, 'api', cluster.publicPort);
      nodes.push(a);
      const b = await startNode(cluster, 'api');
      nodes.push(b);
      assert.equal(a.app.sluice.mode, mode);
      const r = await tusUpload(`${a.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), a.token({ aud: 'upload' }));
      // Nothing processes jobs yet: the finished upload is queued in the shared database.
      assert.equal((await getStatus(b.url, r.videoId, r.videoToken)).status, 'queued');
      const following = followStatus(`${b.url}/api/videos/${r.videoId}/events?token=${r.videoToken}`, (d) => d.status === 'ready' || d.status === 'failed');
      const w = await startNode(cluster, 'worker');
      nodes.push(w);
      const seen = await following;
      assert.equal(seen.at(-1)?.status, 'ready', JSON.stringify(seen.at(-1)));
      assert.ok(seen.some((d) => d.status === 'processing'), `B saw processing: ${JSON.stringify(seen.map((d) => d.status))}`);
      const health = await (await fetch(`${w.url}/healthz`)).json();
      assert.deepEqual(health, { ok: true, role: 'worker', running: 0 });
      const master = await fetch((await getStatus(a.url, r.videoId, r.videoToken)).hls!);
      assert.equal(master.status, 200);
      assert.match(await master.text(), /#EXT-X-STREAM-INF/);
      const jobs = await (await fetch(`${b.url}/api/admin/jobs?token=${b.token({ aud: 'admin' })}`)).json() as { completed: number; running: number; active: unknown[] };
      assert.deepEqual([jobs.completed, jobs.running, jobs.active], [1, 0, []]);
    });

    test('reprocess on API node B reaches the job running on the worker; delete cancels it', async () => {
      const [a, b, w] = [nodes[0]!, nodes[1]!, nodes[2]!];
      const admin = a.token({ aud: 'admin' });
      const untilProcessing = async (id: string, token: string): Promise<void> => {
        for (;;) {
          const doc = await getStatus(b.url, id, token);
          if (doc.status === 'processing' && doc.progress > 0) return;
          assert.notEqual(doc.status, 'ready', 'finished before it could be cancelled: use a longer clip');
          await new Promise((res) => setTimeout(res, 50));
        }
      };
      const r = await tusUpload(`${a.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), a.token({ aud: 'upload' }));
      await untilProcessing(r.videoId, r.videoToken);
      const first = await a.app.sluice.store.latestOpenJob(r.videoId);
      assert.equal(first?.state, 'running');
      assert.equal((await fetch(`${b.url}/api/videos/${r.videoId}/reprocess?token=${admin}`, { method: 'POST' })).status, 202);
      const cancelled = await a.app.sluice.store.getJob(first!.id);
      assert.deepEqual([cancelled?.state, cancelled?.error?.message], ['failed', 'cancelled']);
      const done = await waitSettled(a.url, r.videoId, r.videoToken);
      assert.equal(done.status, 'ready', JSON.stringify(done.error));
      assert.equal(done.progress, 1);

      const d = await tusUpload(`${a.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), a.token({ aud: 'upload' }));
      await untilProcessing(d.videoId, d.videoToken);
      assert.equal((await fetch(`${b.url}/api/videos/${d.videoId}?token=${admin}`, { method: 'DELETE' })).status, 204);
      assert.equal((await fetch(`${a.url}/api/videos/${d.videoId}?token=${d.videoToken}`)).status, 404);
      // The worker lets go of it: nothing runs there any more, and the video stays deleted.
      for (let i = 0; ; i++) {
        const h = await (await fetch(`${w.url}/healthz`)).json() as { running: number };
        if (h.running === 0) break;
        assert.ok(i < 600, 'the worker still runs the deleted video');
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(await a.app.sluice.store.getVideo(d.videoId), undefined);
    });

    test('a job row the engine never got (crash between the two) is re-sent by the reconciler and processed', async () => {
      const [a, w] = [nodes[0]!, nodes[2]!];
      const { store, media } = a.app.sluice;
      const id = randomBytes(16).toString('hex');
      await store.createVideo({ id, status: 'uploading', title: 'lost', filename: 'tiny.mp4', size: statSync(join(FIXTURES, 'tiny-2s.mp4')).size });
      await media.storage.put(originalKey(id), createReadStream(join(FIXTURES, 'tiny-2s.mp4')));
      await store.enqueueJob(id); // the row, as Jobs.enqueue writes it — and then the node "died" before telling the engine
      assert.equal((await store.getVideo(id))?.status, 'queued');
      assert.deepEqual(await reconcile(a.app.sluice), { uploads: [], resent: [] }, 'too recent: its own node may still send it');
      assert.deepEqual(await reconcile(a.app.sluice, Date.now() + SETTLE_MS + 1000), { uploads: [], resent: [id] });
      const token = a.token({ aud: 'playback', sub: id });
      const doc = await waitSettled(a.url, id, token);
      assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
      assert.equal((await (await fetch(`${w.url}/healthz`)).json() as { running: number }).running, 0);
    });
  });
}
