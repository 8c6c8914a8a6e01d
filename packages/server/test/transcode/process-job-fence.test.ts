/**
 * At-least-once delivery: a worker that lost its job (another worker claimed
 * the row, so the fence moved on) must not write over the new owner's work.
 * Two handlers on one video with the real pipeline and real ffmpeg: the first
 * is overtaken while it is between its first write and ffmpeg, and its next
 * write — and everything after — is refused; the second takes it to ready.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { JobLease } from '../../src/db/store.js';
import { JobOwnershipLostError, type JobContext } from '../../src/queue/queue-engine.js';
import { processVideo, type ProcessOptions } from '../../src/transcode/pipeline.js';
import { createProcessJob } from '../../src/transcode/process-job.js';
import { FIXTURES, startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await t.app.sluice.queue.stop(); // the handlers below are driven by hand
});
after(() => t.close());

function context(videoId: string, lease: JobLease, attempt: number, signal: AbortSignal): JobContext {
  const { store } = t.app.sluice;
  return {
    videoId, jobId: String(lease.jobId), attempt, fence: String(lease.fence), signal,
    stillOwner: async () => {
      const job = await store.getJob(lease.jobId);
      return job?.state === 'running' && job.fence === lease.fence;
    },
  };
}

test('a worker overtaken by another is refused every write; the new owner finishes the video', async () => {
  const { store, media, config } = t.app.sluice;
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  const row = await store.latestOpenJob(r.videoId);
  assert.equal(row?.state, 'queued');
  const first = (await store.claimJob(row!.id))!;

  let release!: () => void;
  const gate = new Promise<void>((res) => { release = res; });
  const firstRuns: ProcessOptions[] = [];
  const firstChanges: string[] = [];
  const log = t.app.log;
  const stale = createProcessJob({
    config, store, media, log, changed: (id) => firstChanges.push(id),
    lease: async () => ({ jobId: first.id, fence: first.fence }),
    // The real pipeline, held at its start until the job has been taken over.
    process: async (o) => { firstRuns.push(o); await gate; return processVideo(o); },
  });
  const staleRun = stale(context(r.videoId, { jobId: first.id, fence: first.fence }, 1, new AbortController().signal));
  await waitFor('the first worker holds the original', () => firstRuns.length === 1);
  assert.equal((await store.getVideo(r.videoId))?.status, 'processing');

  // Its lock expired (frozen, partitioned): the engine hands the job to another worker, which claims the row.
  const second = (await store.claimJob(row!.id))!;
  assert.equal(second.fence, first.fence + 1);
  release();
  await staleRun;
  const reason: unknown = firstRuns[0]!.signal?.reason;
  assert.ok(reason instanceof JobOwnershipLostError, `the stale worker stopped its ffmpeg because it lost the job: ${String(reason)}`);
  const afterStale = await store.getVideo(r.videoId);
  assert.equal(afterStale?.status, 'processing', 'no failure or ready written by the stale worker');
  assert.equal(afterStale?.duration, null, 'its probe result was refused too');
  assert.equal((await store.getJob(row!.id))?.state, 'running', 'nor did it finish the job');
  assert.equal(firstChanges.length, 1, 'only its first (valid) write was announced');

  const owner = createProcessJob({ config, store, media, log, changed: () => undefined, lease: async () => ({ jobId: second.id, fence: second.fence }) });
  await owner(context(r.videoId, { jobId: second.id, fence: second.fence }, 2, new AbortController().signal));
  const done = await store.getVideo(r.videoId);
  assert.deepEqual([done?.status, done?.playable, done?.progress], ['ready', true, 1]);
  const job = await store.getJob(row!.id);
  assert.deepEqual([job?.state, job?.fence, job?.attempts], ['completed', second.fence, 2]);
  // The stale lease can do nothing any more, by any route.
  assert.deepEqual(await store.updateVideoForJob({ jobId: first.id, fence: first.fence }, { status: 'failed' }), { ok: false, reason: 'stale' });
});
