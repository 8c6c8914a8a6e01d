/**
 * Videos per minute through a whole cluster (nginx, one API node, `workers`
 * `sluice worker` processes, PostgreSQL, s3rver): every clip uploaded at
 * once through nginx, timed from the first byte sent until the last video is
 * `ready`.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { StatusDocument } from '../../packages/protocol/src/status-document.js';
import { startCluster } from '../../test/support/cluster.js';
import { clusterUpload } from '../../test/support/cluster-client.js';

export interface Throughput { workers: number; videos: number; seconds: number; perMinute: number }

export async function videosPerMinute(workers: number, clips: string[]): Promise<Throughput> {
  const cluster = await startCluster({ engine: 'postgres', apis: 1, workers, env: { LOG_LEVEL: 'warn' } });
  try {
    const [upload, admin] = await Promise.all([cluster.token('upload'), cluster.token('admin')]);
    const t0 = performance.now();
    const ups = await Promise.all(clips.map((file, i) => clusterUpload(`${cluster.url}/api/uploads`, readFileSync(file), `clip-${i}.mp4`, upload, { chunkSize: Infinity, delayMs: 0 })));
    const pending = new Set(ups.map((u) => u.videoId));
    while (pending.size > 0) {
      for (const id of [...pending]) {
        const doc = (await (await fetch(`${cluster.url}/api/videos/${id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as StatusDocument;
        if (doc.status === 'failed') throw new Error(`video ${id} failed: ${JSON.stringify(doc.error)}`);
        if (doc.status === 'ready') pending.delete(id);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { workers, videos: clips.length, seconds, perMinute: (clips.length * 60) / seconds };
  } catch (e) {
    process.stderr.write(cluster.logs());
    throw e;
  } finally {
    await cluster.stop();
  }
}
