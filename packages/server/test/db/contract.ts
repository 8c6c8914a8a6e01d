/**
 * The one contract both metadata engines run (the storage contract is the
 * model): every Store operation, value round-trips through each driver,
 * ordering, concurrent claims and fencing. Each test gets a fresh database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrate } from '../../src/db/migrate.js';
import { LATEST_VERSION } from '../../src/db/migrations.js';
import { leaseOf, type Store } from '../../src/db/store.js';
import { describeWebhookContract } from './webhook-contract.js';

export interface StoreSubject {
  /** What Store.open / migrate take: a file path or a postgres:// URL. */
  target: string;
  store: Store;
  /** Another Store on the same database (another connection, as another node would have). */
  another(): Promise<Store>;
}

export interface StoreEngine {
  /** A new, empty, migrated database. */
  fresh(): Promise<StoreSubject>;
  /** Closes every store it opened and stops the engine. */
  stop(): Promise<void>;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 3));

async function video(store: Store, id: string, extra: { owner?: string; maxDuration?: number } = {}) {
  return store.createVideo({ id, status: 'uploading', title: `t-${id}`, filename: `${id}.mp4`, size: 1000, ...extra });
}

export function describeStoreContract(name: string, start: () => Promise<StoreEngine>): void {
  describe(`Store contract: ${name}`, () => {
    let engine: StoreEngine;
    before(async () => { engine = await start(); });
    after(async () => { await engine?.stop(); });

    test('createVideo returns the full record with its defaults; getVideo finds it, or not', async () => {
      const { store } = await engine.fresh();
      const v = await store.createVideo({ id: 'v1', status: 'uploading', title: 'Holiday', filename: 'holiday.mov', size: 123, owner: 'owner-key', maxDuration: 90.5 });
      assert.deepEqual({ ...v, createdAt: 'x', updatedAt: 'x' }, {
        id: 'v1', status: 'uploading', title: 'Holiday', filename: 'holiday.mov', size: 123, progress: 0, playable: false, error: null,
        duration: null, width: null, height: null, renditions: [], encoder: null, owner: 'owner-key', maxDuration: 90.5, createdAt: 'x', updatedAt: 'x',
      });
      assert.match(v.createdAt, ISO);
      assert.equal(v.updatedAt, v.createdAt);
      assert.deepEqual(await store.getVideo('v1'), v);
      assert.equal(await store.getVideo('nope'), undefined);
      const imported = await store.createVideo({ id: 'v2', status: 'queued', title: '', filename: 'x.mp4', size: null });
      assert.equal(imported.owner, null);
      assert.equal(imported.maxDuration, null);
      assert.equal(imported.size, null);
      await assert.rejects(video(store, 'v1'), 'a duplicate id is refused');
    });

    test('updateVideo round-trips every field: JSON, booleans, reals, big sizes, unicode, nulls', async () => {
      const { store } = await engine.fresh();
      const created = await video(store, 'rt');
      await tick();
      const renditions = [
        { name: '1080p', width: 1920, height: 1080, bandwidth: 5_000_000 },
        { name: '360p "ü"', width: 640, height: 360, bandwidth: 800_000 },
      ];
      const updated = await store.updateVideo('rt', {
        status: 'processing', title: 'Ünïcødé 🎬 "quotes" \'single\' \\ back', size: 21_474_836_480, progress: 0.1 + 0.2, playable: true,
        error: { code: 'SLUICE_ERR_X', message: 'ß' }, duration: 31.2, width: 1921, height: 1081, renditions, encoder: 'libx264',
      });
      assert.deepEqual(updated, await store.getVideo('rt'));
      assert.equal(updated?.status, 'processing');
      assert.equal(updated?.title, 'Ünïcødé 🎬 "quotes" \'single\' \\ back');
      assert.equal(updated?.size, 21_474_836_480);
      assert.equal(updated?.progress, 0.30000000000000004, 'doubles keep every bit');
      assert.equal(updated?.playable, true);
      assert.deepEqual(updated?.error, { code: 'SLUICE_ERR_X', message: 'ß' });
      assert.equal(updated?.duration, 31.2);
      assert.deepEqual(updated?.renditions, renditions);
      assert.equal(updated?.encoder, 'libx264');
      assert.equal(updated?.createdAt, created.createdAt);
      assert.ok(updated!.updatedAt > created.updatedAt, 'updatedAt moves');

      const cleared = await store.updateVideo('rt', { playable: false, error: null, duration: null, renditions: [], encoder: null });
      assert.equal(cleared?.playable, false);
      assert.equal(cleared?.error, null);
      assert.equal(cleared?.duration, null);
      assert.deepEqual(cleared?.renditions, []);
      assert.equal(cleared?.encoder, null);
      assert.equal(cleared?.title, updated?.title, 'keys not in the patch are kept');
      assert.equal(await store.updateVideo('missing', { status: 'ready' }), undefined);
    });

    test('listVideos is newest first; listVideosByStatus filters, oldest first', async () => {
      const { store } = await engine.fresh();
      for (const id of ['a', 'b', 'c', 'd']) {
        await video(store, id);
        await tick();
      }
      await store.updateVideo('b', { status: 'ready' });
      await store.updateVideo('d', { status: 'ready' });
      assert.deepEqual((await store.listVideos()).map((v) => v.id), ['d', 'c', 'b', 'a']);
      assert.deepEqual((await store.listVideosByStatus('ready')).map((v) => v.id), ['b', 'd']);
      assert.deepEqual((await store.listVideosByStatus('uploading')).map((v) => v.id), ['a', 'c']);
      assert.deepEqual(await store.listVideosByStatus('failed'), []);
    });

    test('enqueueJob queues the video and supersedes a job still queued for it, atomically', async () => {
      const { store } = await engine.fresh();
      await video(store, 'e');
      await store.updateVideo('e', { status: 'failed', progress: 0.7, playable: true, error: { code: 'SLUICE_ERR_OLD', message: 'old' } });
      const first = await store.enqueueJob('e');
      assert.deepEqual({ ...first, createdAt: 'x' }, {
        id: first.id, videoId: 'e', state: 'queued', attempts: 0, error: null, createdAt: 'x', startedAt: null, finishedAt: null, pid: null, fence: 0,
      });
      assert.match(first.createdAt, ISO);
      const v = await store.getVideo('e');
      assert.deepEqual([v?.status, v?.progress, v?.playable, v?.error], ['queued', 0, false, null]);
      const second = await store.enqueueJob('e');
      assert.ok(second.id > first.id);
      const superseded = await store.getJob(first.id);
      assert.equal(superseded?.state, 'failed');
      assert.deepEqual(superseded?.error, { code: 'SLUICE_ERR_MEDIA_INTERRUPTED', message: 'superseded by a new job' });
      assert.match(superseded?.finishedAt ?? '', ISO);
      assert.equal(await store.getJob(999_999), undefined);
    });

    test('claimNextJob takes the oldest queued job (running, attempts + 1, fence + 1), then nothing', async () => {
      const { store } = await engine.fresh();
      for (const id of ['j1', 'j2']) await video(store, id);
      const a = await store.enqueueJob('j1');
      const b = await store.enqueueJob('j2');
      const got = await store.claimNextJob();
      assert.equal(got?.id, a.id);
      assert.deepEqual([got?.state, got?.attempts, got?.fence], ['running', 1, 1]);
      assert.match(got?.startedAt ?? '', ISO);
      assert.equal((await store.claimNextJob())?.id, b.id);
      assert.equal(await store.claimNextJob(), undefined);
    });

    test('setJobPid, finishJob, jobCounts, runningJobs and recentFailedJobs', async () => {
      const { store } = await engine.fresh();
      const ids: number[] = [];
      for (const id of ['f1', 'f2', 'f3', 'f4']) {
        await video(store, id);
        ids.push((await store.enqueueJob(id)).id);
      }
      for (let i = 0; i < 3; i++) await store.claimNextJob();
      await store.setJobPid(ids[0]!, 4242);
      assert.equal((await store.getJob(ids[0]!))?.pid, 4242);
      assert.deepEqual((await store.runningJobs()).map((j) => j.id), ids.slice(0, 3));
      await store.finishJob(ids[0]!);
      await tick();
      await store.finishJob(ids[1]!, { code: 'SLUICE_ERR_MEDIA_A', message: 'first failure' });
      await tick();
      await store.finishJob(ids[2]!, { code: 'SLUICE_ERR_MEDIA_B', message: 'second failure' });
      const done = await store.getJob(ids[0]!);
      assert.deepEqual([done?.state, done?.pid, done?.error], ['completed', null, null]);
      assert.match(done?.finishedAt ?? '', ISO);
      assert.deepEqual(await store.jobCounts(), { queued: 1, running: 0, completed: 1, failed: 2 });
      const failed = await store.recentFailedJobs(10);
      assert.deepEqual(failed.map((j) => [j.id, j.error?.code]), [[ids[2], 'SLUICE_ERR_MEDIA_B'], [ids[1], 'SLUICE_ERR_MEDIA_A']]);
      assert.deepEqual((await store.recentFailedJobs(1)).map((j) => j.id), [ids[2]]);
      assert.deepEqual(await store.runningJobs(), []);
    });

    test('requeueInterruptedJobs returns running jobs as they were and queues them again', async () => {
      const { store } = await engine.fresh();
      await video(store, 'r');
      const job = await store.enqueueJob('r');
      await store.claimNextJob();
      await store.setJobPid(job.id, 777);
      const requeued = await store.requeueInterruptedJobs();
      assert.deepEqual(requeued.map((j) => [j.id, j.state, j.pid, j.attempts]), [[job.id, 'running', 777, 1]]);
      assert.equal((await store.getJob(job.id))?.state, 'queued');
      assert.deepEqual(await store.requeueInterruptedJobs(), []);
      const again = await store.claimNextJob();
      assert.deepEqual([again?.id, again?.attempts, again?.fence, again?.pid], [job.id, 2, 2, null]);
    });

    test('deleteVideo removes the video and its jobs', async () => {
      const { store } = await engine.fresh();
      await video(store, 'keep');
      await video(store, 'gone');
      const keepJob = await store.enqueueJob('keep');
      const goneJob = await store.enqueueJob('gone');
      await store.deleteVideo('gone');
      assert.equal(await store.getVideo('gone'), undefined);
      assert.equal(await store.getJob(goneJob.id), undefined);
      assert.equal((await store.getJob(keepJob.id))?.state, 'queued');
      await store.deleteVideo('never-existed');
    });

    test('fencing: a worker whose job was taken over can neither finish it nor touch its video', async () => {
      const { store } = await engine.fresh();
      await video(store, 'fv');
      const job = await store.enqueueJob('fv');
      const first = await store.claimNextJob();
      const oldLease = leaseOf(first!);
      assert.deepEqual(oldLease, { jobId: job.id, fence: 1 });
      assert.equal((await store.updateVideoForJob(oldLease, { status: 'processing', progress: 0.1 })).ok, true);

      const takeover = await store.claimJob(job.id);
      assert.deepEqual([takeover?.state, takeover?.fence, takeover?.attempts], ['running', 2, 2]);
      const newLease = leaseOf(takeover!);
      assert.deepEqual(await store.updateVideoForJob(oldLease, { progress: 0.9 }), { ok: false, reason: 'stale' });
      assert.deepEqual(await store.finishLeasedJob(oldLease, { code: 'SLUICE_ERR_X', message: 'late' }), { ok: false, reason: 'stale' });
      assert.equal((await store.getVideo('fv'))?.progress, 0.1, 'the stale write changed nothing');
      assert.equal((await store.getJob(job.id))?.state, 'running');

      const progressed = await store.updateVideoForJob(newLease, { progress: 0.5, playable: true });
      assert.ok(progressed.ok);
      assert.equal(progressed.value.progress, 0.5);
      const done = await store.finishLeasedJob(newLease);
      assert.ok(done.ok);
      assert.deepEqual([done.value.state, done.value.error], ['completed', null]);
      assert.deepEqual(await store.finishLeasedJob(newLease), { ok: false, reason: 'stale' }, 'a finished job takes no second finish');
      assert.deepEqual(await store.updateVideoForJob(newLease, { progress: 0.6 }), { ok: false, reason: 'stale' });
      assert.equal(await store.claimJob(job.id), undefined, 'a finished job cannot be claimed');
    });

    test('fencing: a requeue or a delete also voids the lease', async () => {
      const { store } = await engine.fresh();
      await video(store, 'rq');
      await store.enqueueJob('rq');
      const lease = leaseOf((await store.claimNextJob())!);
      await store.requeueInterruptedJobs();
      assert.deepEqual(await store.finishLeasedJob(lease), { ok: false, reason: 'stale' });
      const relet = leaseOf((await store.claimNextJob())!);
      assert.equal(relet.fence, lease.fence + 1);
      await store.deleteVideo('rq');
      assert.deepEqual(await store.updateVideoForJob(relet, { progress: 1 }), { ok: false, reason: 'stale' });
      assert.deepEqual(await store.finishLeasedJob(relet), { ok: false, reason: 'stale' });
    });

    test('10 claimers on their own connections, 5 jobs: each job is claimed exactly once', async () => {
      const subject = await engine.fresh();
      const jobIds: number[] = [];
      for (let i = 0; i < 5; i++) {
        await video(subject.store, `c${i}`);
        jobIds.push((await subject.store.enqueueJob(`c${i}`)).id);
      }
      const claimers = await Promise.all(Array.from({ length: 10 }, () => subject.another()));
      const claimed = await Promise.all(claimers.map(async (s) => {
        const mine: number[] = [];
        for (let job = await s.claimNextJob(); job; job = await s.claimNextJob()) {
          assert.deepEqual([job.attempts, job.fence], [1, 1]);
          mine.push(job.id);
        }
        return mine;
      }));
      const all = claimed.flat().sort((a, b) => a - b);
      assert.deepEqual(all, jobIds, `claims per claimer: ${JSON.stringify(claimed)}`);
      assert.deepEqual(await subject.store.jobCounts(), { queued: 0, running: 5, completed: 0, failed: 0 });
    });

    test('two workers taking over the same job at once: one lease wins, the other is stale', async () => {
      const subject = await engine.fresh();
      await video(subject.store, 'race');
      const job = await subject.store.enqueueJob('race');
      const [w1, w2] = await Promise.all([subject.another(), subject.another()]);
      const [a, b] = await Promise.all([w1!.claimJob(job.id), w2!.claimJob(job.id)]);
      assert.deepEqual([a!.fence, b!.fence].sort(), [1, 2]);
      const [loser, winner] = a!.fence < b!.fence ? [a!, b!] : [b!, a!];
      const results = await Promise.all([w1!.finishLeasedJob(leaseOf(loser)), w2!.finishLeasedJob(leaseOf(winner))]);
      assert.deepEqual(results.map((r) => r.ok), [false, true]);
    });

    test('captions: insert, list in order, one default at most, replace, limit, delete by source, text apart; deleteVideo takes them along', async () => {
      const { store } = await engine.fresh();
      await video(store, 'cv');
      const base = { videoId: 'cv', lang: 'en', label: 'English', kind: 'subtitles' as const, isDefault: false, closedCaptions: false, source: 'upload' as const, cueCount: 2, bytes: 40, vtt: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHé ✓\n' };
      const a = await store.captions.insert({ ...base, id: 'a'.repeat(16), isDefault: true }, 3);
      assert.ok(a.ok);
      assert.deepEqual({ ...a.value, createdAt: 'x', updatedAt: 'x' }, { id: 'a'.repeat(16), videoId: 'cv', lang: 'en', label: 'English', kind: 'subtitles', isDefault: true, closedCaptions: false, source: 'upload', cueCount: 2, bytes: 40, createdAt: 'x', updatedAt: 'x' });
      assert.match(a.value.createdAt, ISO);
      await tick();
      const b = await store.captions.insert({ ...base, id: 'b'.repeat(16), lang: 'fr', label: 'Français', kind: 'captions', closedCaptions: true, isDefault: true, source: 'embedded' }, 3);
      assert.ok(b.ok);
      assert.deepEqual((await store.captions.list('cv')).map((c) => [c.id[0], c.isDefault, c.closedCaptions, c.kind]), [['a', false, false, 'subtitles'], ['b', true, true, 'captions']], 'a new default takes the flag');
      assert.equal(await store.captions.text('cv', 'a'.repeat(16)), base.vtt);
      await tick();
      assert.ok((await store.captions.insert({ ...base, id: 'c'.repeat(16) }, 3)).ok);
      assert.deepEqual(await store.captions.insert({ ...base, id: 'd'.repeat(16) }, 3), { ok: false, reason: 'limit' });
      assert.deepEqual(await store.captions.insert({ ...base, id: 'e'.repeat(16), videoId: 'gone' }, 3), { ok: false, reason: 'no-video' });
      const replaced = await store.captions.replace('cv', 'a'.repeat(16), { lang: 'de', label: 'Deutsch', kind: 'captions', isDefault: true, closedCaptions: true, cueCount: 1, bytes: 9, vtt: 'WEBVTT\n' });
      assert.deepEqual([replaced?.lang, replaced?.isDefault, replaced?.cueCount], ['de', true, 1]);
      assert.deepEqual((await store.captions.list('cv')).filter((c) => c.isDefault).map((c) => c.id[0]), ['a']);
      assert.equal(await store.captions.text('cv', 'a'.repeat(16)), 'WEBVTT\n');
      assert.equal(await store.captions.replace('cv', 'z'.repeat(16), { ...base, lang: 'x' }), undefined);
      assert.equal(await store.captions.get('other', 'a'.repeat(16)), undefined, 'a track is found only under its video');
      assert.deepEqual(await store.captions.deleteBySource('cv', 'embedded'), ['b'.repeat(16)]);
      assert.equal(await store.captions.delete('cv', 'c'.repeat(16)), true);
      assert.equal(await store.captions.delete('cv', 'c'.repeat(16)), false);
      await store.deleteVideo('cv');
      assert.deepEqual(await store.captions.list('cv'), []);
    });

    test('migrate() on a current database applies nothing and reports the latest version', async () => {
      const { target, store } = await engine.fresh();
      assert.equal(await store.schemaVersion(), LATEST_VERSION);
      const report = await migrate(target);
      assert.deepEqual(report.applied, []);
      assert.equal(report.from, LATEST_VERSION);
      assert.equal(report.to, LATEST_VERSION);
    });

    describeWebhookContract(() => engine.fresh());
  });
}
