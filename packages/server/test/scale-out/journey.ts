/**
 * One upload through a scale-out deployment in miniature: an API node with
 * jobs off takes the tus upload, a separate worker node transcodes it from
 * the bucket, and an SSE client on a second API node hears every status
 * change up to `ready` (the change is written by the worker and crosses
 * nodes over LISTEN/NOTIFY or Redis pub/sub).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getStatus } from '../support/api.js';
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

    test('reprocess on one API node reaches the job on the worker; delete cancels it', async () => {
      const [a, b] = [nodes[0]!, nodes[1]!];
      const r = await tusUpload(`${a.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), a.token({ aud: 'upload' }));
      const admin = a.token({ aud: 'admin' });
      for (;;) {
        const doc = await getStatus(b.url, r.videoId, r.videoToken);
        if (doc.status === 'processing') break;
        assert.notEqual(doc.status, 'ready', 'finished before it could be cancelled: use a longer clip');
        await new Promise((res) => setTimeout(res, 50));
      }
      const del = await fetch(`${b.url}/api/videos/${r.videoId}?token=${admin}`, { method: 'DELETE' });
      assert.equal(del.status, 204);
      assert.equal((await fetch(`${a.url}/api/videos/${r.videoId}?token=${r.videoToken}`)).status, 404);
      // The worker let go of it: nothing runs, and the video stays deleted.
      for (let i = 0; ; i++) {
        const h = await (await fetch(`${nodes[2]!.url}/healthz`)).json() as { running: number };
        if (h.running === 0) break;
        assert.ok(i < 600, 'the worker still runs the deleted video');
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(await a.app.sluice.store.getVideo(r.videoId), undefined);
    });
  });
}
