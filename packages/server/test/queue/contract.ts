/**
 * The one contract every queue engine runs. Engines without cross-process
 * jobs (the embedded StoreQueue) declare it, and the tests that need
 * another process are not registered for them: there is no other process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BullmqBackend } from '../../src/queue/bullmq-queue.js';
import { JobCancelledError, JobGivenUpError, QueueClosingError, type EngineCapabilities, type JobContext, type QueueEngine } from '../../src/queue/queue-engine.js';
import { ChildWorker } from './support/child-worker.js';

export interface EngineOptions {
  queueName: string;
  maxAttempts?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface QueueSubject {
  /** A new engine (a "node") on the queue `queueName`. */
  open(options: EngineOptions): Promise<QueueEngine>;
  /** Where child workers connect, for engines with crossProcess. */
  backend?: BullmqBackend;
  cleanup(): Promise<void>;
}

/** Short locks so a dead or frozen worker is noticed within seconds. */
const LOCK_MS = 1500;
const STALLED_MS = 500;

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

export function describeQueueContract(name: string, declared: EngineCapabilities, factory: () => Promise<QueueSubject>): void {
  describe(`Queue contract: ${name}`, () => {
    let subject: QueueSubject;
    const engines: QueueEngine[] = [];
    const children: ChildWorker[] = [];
    const queueName = (): string => `contract-${randomBytes(4).toString('hex')}`;
    const open = async (o: EngineOptions): Promise<QueueEngine> => {
      const e = await subject.open({ lockDurationMs: LOCK_MS, stalledIntervalMs: STALLED_MS, ...o });
      engines.push(e);
      return e;
    };
    before(async () => { subject = await factory(); });
    after(async () => {
      await Promise.allSettled(children.map((c) => c.stop()));
      await Promise.allSettled(engines.map((e) => e.close()));
      await subject?.cleanup();
    });

    test('each enqueued video is handled exactly once', async () => {
      const q = await open({ queueName: queueName() });
      assert.deepEqual(q.capabilities, declared, 'the engine has the capabilities the suite was told');
      const seen: string[] = [];
      await q.run(async (job) => { seen.push(job.videoId); }, { concurrency: 2 });
      const ids = ['v1', 'v2', 'v3', 'v4', 'v5'];
      const jobIds = await Promise.all(ids.map((v) => q.enqueue(v)));
      assert.equal(new Set(jobIds).size, 5, 'distinct job ids');
      await until('5 completed', async () => (await q.counts()).completed === 5);
      assert.deepEqual([...seen].sort(), ids);
      assert.deepEqual(await q.counts(), { waiting: 0, active: 0, completed: 5, failed: 0 });
    });

    test('concurrency: at most N handlers at once, and exactly N when the queue is deep', async () => {
      const q = await open({ queueName: queueName() });
      const gate = deferred();
      let running = 0;
      let peak = 0;
      await q.run(async () => {
        running += 1; peak = Math.max(peak, running);
        await gate.promise;
        running -= 1;
      }, { concurrency: 2 });
      for (const v of ['c1', 'c2', 'c3', 'c4', 'c5']) await q.enqueue(v);
      await until('2 handlers running', () => running === 2);
      const held = await q.counts();
      assert.equal(held.active, 2);
      assert.equal(held.waiting, 3);
      gate.resolve();
      await until('5 completed', async () => (await q.counts()).completed === 5);
      assert.equal(peak, 2);
    });

    test('a thrown error is retried with a new fence until it succeeds', async () => {
      const q = await open({ queueName: queueName(), maxAttempts: 3 });
      const starts: JobContext[] = [];
      await q.run(async (job) => {
        starts.push(job);
        if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
      }, { concurrency: 1 });
      await q.enqueue('r1');
      await until('completed', async () => (await q.counts()).completed === 1);
      assert.deepEqual(starts.map((s) => s.attempt), [1, 2, 3]);
      assert.equal(new Set(starts.map((s) => s.fence)).size, 3, 'each start has its own fence');
      assert.equal(new Set(starts.map((s) => s.jobId)).size, 1, 'one job');
    });

    test('after maxAttempts failures the job is given up with JobGivenUpError', async () => {
      const q = await open({ queueName: queueName(), maxAttempts: 2 });
      const given: Array<{ videoId: string; error: JobGivenUpError }> = [];
      let starts = 0;
      await q.run(async () => { starts += 1; throw new Error('always broken'); }, { concurrency: 1, onGiveUp: (videoId, error) => given.push({ videoId, error }) });
      await q.enqueue('g1');
      await until('given up', () => given.length === 1);
      await until('failed', async () => (await q.counts()).failed === 1);
      assert.equal(starts, 2);
      assert.equal(given[0]!.videoId, 'g1');
      assert.ok(given[0]!.error instanceof JobGivenUpError);
      assert.equal(given[0]!.error.code, 'SLUICE_ERR_MEDIA_INTERRUPTED');
      assert.equal(given[0]!.error.attempts, 2);
      assert.match(given[0]!.error.message, /always broken/);
      assert.deepEqual(await q.counts(), { waiting: 0, active: 0, completed: 0, failed: 1 });
    });

    test('cancel aborts the running handler with JobCancelledError and the job is not retried', async () => {
      const q = await open({ queueName: queueName() });
      const started = deferred();
      const reasons: unknown[] = [];
      let owner: boolean | undefined;
      await q.run(async (job) => {
        started.resolve();
        await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
        reasons.push(job.signal.reason);
        owner = await job.stillOwner();
        throw job.signal.reason;
      }, { concurrency: 1 });
      await q.enqueue('x1');
      await started.promise;
      await q.cancel('other-video'); // must not touch x1
      await q.cancel('x1');
      await until('failed', async () => (await q.counts()).failed === 1);
      assert.equal(reasons.length, 1);
      assert.ok(reasons[0] instanceof JobCancelledError);
      assert.equal(owner, false, 'a cancelled handler is no longer the owner');
      assert.deepEqual(await q.counts(), { waiting: 0, active: 0, completed: 0, failed: 1 });
    });

    if (declared.crossProcess) test('close() interrupts the running handler and the job runs again on another node, not as a failure', async () => {
      const name = queueName();
      const first = await open({ queueName: name, maxAttempts: 2 });
      const started = deferred();
      let reason: unknown;
      await first.run(async (job) => {
        started.resolve();
        await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
        reason = job.signal.reason;
        throw job.signal.reason;
      }, { concurrency: 1 });
      await first.enqueue('c1');
      await started.promise;
      await first.close();
      assert.ok(reason instanceof QueueClosingError);
      const second = await open({ queueName: name, maxAttempts: 2 });
      const again: JobContext[] = [];
      const given: unknown[] = [];
      await second.run(async (job) => { again.push(job); }, { concurrency: 1, onGiveUp: (_v, e) => given.push(e) });
      await until('ran again', () => again.length === 1);
      assert.equal(again[0]!.attempt, 2);
      await until('completed', async () => (await second.counts()).completed === 1);
      assert.deepEqual(await second.counts(), { waiting: 0, active: 0, completed: 1, failed: 0 });
      assert.equal(given.length, 0);
    });

    if (declared.crossProcess) describe('across processes', () => {
      const crossProcess = test;
      const child = (queue: string, behaviour: { kind: 'hold' } | { kind: 'freeze'; ms: number }, maxAttempts = 3): ChildWorker => {
        assert.ok(subject.backend, 'a cross-process engine has a backend');
        const c = new ChildWorker({ backend: subject.backend, queueName: queue, lockDurationMs: LOCK_MS, stalledIntervalMs: STALLED_MS, maxAttempts, behaviour });
        children.push(c);
        return c;
      };

      crossProcess('a worker SIGKILLed mid-job: the job runs again on another worker', async () => {
        const name = queueName();
        const a = child(name, { kind: 'hold' });
        await a.next('ready');
        const q = await open({ queueName: name });
        const jobId = await q.enqueue('k1');
        const first = await a.next('start');
        assert.equal(first.jobId, jobId);
        a.kill();
        const again: JobContext[] = [];
        await q.run(async (job) => { again.push(job); }, { concurrency: 1 });
        await until('the job ran again here', () => again.length === 1);
        assert.equal(again[0]!.jobId, jobId);
        assert.equal(again[0]!.attempt, 2);
        assert.notEqual(again[0]!.fence, first.fence);
        await until('completed', async () => (await q.counts()).completed === 1);
      });

      crossProcess('a job whose workers die maxAttempts times is given up, not run again', async () => {
        const name = queueName();
        const q = await open({ queueName: name, maxAttempts: 2 });
        const jobId = await q.enqueue('k3');
        for (const attempt of [1, 2]) {
          const w = child(name, { kind: 'hold' }, 2);
          const started = await w.next('start');
          assert.deepEqual([started.jobId, started.attempt], [jobId, attempt]);
          w.kill();
        }
        const given: JobGivenUpError[] = [];
        let ran = 0;
        await q.run(async () => { ran += 1; }, { concurrency: 1, onGiveUp: (_videoId, error) => given.push(error) });
        await until('given up', () => given.length === 1);
        await until('failed', async () => (await q.counts()).failed === 1);
        assert.equal(ran, 0, 'the handler is not called for a given-up job');
        assert.equal(given[0]!.code, 'SLUICE_ERR_MEDIA_INTERRUPTED');
        assert.equal(given[0]!.attempts, 2);
        assert.deepEqual(await q.counts(), { waiting: 0, active: 0, completed: 0, failed: 1 });
      });

      crossProcess('cancel on this node reaches the handler running in another process', async () => {
        const name = queueName();
        const a = child(name, { kind: 'hold' });
        await a.next('ready');
        const q = await open({ queueName: name });
        await q.enqueue('k2');
        await a.next('start');
        await q.cancel('k2');
        assert.equal((await a.next('aborted', 10_000)).reason, 'JobCancelledError');
        await until('failed, not retried', async () => { const c = await q.counts(); return c.failed === 1 && c.active === 0 && c.waiting === 0; });
      });

      crossProcess('a frozen worker that lost its lock cannot pass the fence; the new owner can', async () => {
        const name = queueName();
        const a = child(name, { kind: 'freeze', ms: LOCK_MS * 4 });
        await a.next('ready');
        const q = await open({ queueName: name });
        await q.enqueue('f1');
        const first = await a.next('start');
        const takeover: Array<{ fence: string; before: boolean; after: boolean }> = [];
        await q.run(async (job) => {
          const before = await job.stillOwner();
          await a.next('owner'); // the stale worker woke up and asked
          takeover.push({ fence: job.fence, before, after: await job.stillOwner() });
        }, { concurrency: 1 });
        const stale = await a.next('owner');
        assert.equal(stale.ok, false, 'the stale worker is refused');
        await until('the new owner finished', () => takeover.length === 1);
        assert.notEqual(takeover[0]!.fence, first.fence);
        assert.deepEqual(takeover.map((t) => [t.before, t.after]), [[true, true]]);
        await until('completed once', async () => (await q.counts()).completed === 1);
      });
    });
  });
}
