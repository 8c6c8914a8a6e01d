/**
 * The embedded engine on the Store's jobs table (SQLite temp files): the
 * shared queue contract, and what only a durable embedded engine does — a
 * job interrupted by a restart runs again at the next start, and one
 * interrupted too often is given up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Store } from '../../src/db/store.js';
import { JobGivenUpError, QueueClosingError, type JobContext } from '../../src/queue/queue-engine.js';
import { StoreQueue } from '../../src/queue/store-queue.js';
import { describeQueueContract, until } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-store-queue-'));
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});
async function openStore(file: string): Promise<Store> {
  const s = await Store.open(join(dir, file));
  stores.push(s);
  return s;
}

describeQueueContract('store (embedded, jobs table)', { crossProcess: false }, () => Promise.resolve({
  // One database file per queue name: each contract test gets its own table.
  open: async (o) => new StoreQueue({ store: await openStore(`${o.queueName}.db`), maxAttempts: o.maxAttempts ?? 3, retryDelayMs: 50, pollMs: 100 }),
  cleanup: () => Promise.resolve(),
}));

describe('StoreQueue durability', () => {
  test('a job interrupted by close() runs again when the next process starts, with a new fence', async () => {
    const store = await openStore('restart.db');
    const first = new StoreQueue({ store, pollMs: 100 });
    let reason: unknown;
    let firstJob: JobContext | undefined;
    await first.run(async (job) => {
      firstJob = job;
      await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
      reason = job.signal.reason;
      throw job.signal.reason;
    }, { concurrency: 1 });
    const id = await first.enqueue('r1');
    await until('started', () => firstJob !== undefined);
    await first.close();
    assert.ok(reason instanceof QueueClosingError);
    assert.equal((await store.getJob(Number(id)))?.state, 'running', 'left running, as a crash leaves it');

    const requeued: string[] = [];
    const second = new StoreQueue({ store, pollMs: 100, onRequeued: (v) => requeued.push(v) });
    const again: JobContext[] = [];
    await second.run(async (job) => { again.push(job); }, { concurrency: 1 });
    await until('ran again', () => again.length === 1);
    assert.deepEqual(requeued, ['r1']);
    assert.deepEqual([again[0]!.jobId, again[0]!.attempt], [id, 2]);
    assert.notEqual(again[0]!.fence, firstJob!.fence);
    await until('completed', async () => (await store.getJob(Number(id)))?.state === 'completed');
    await second.close();
  });

  test('a job started maxAttempts times without finishing is given up at the next start', async () => {
    const store = await openStore('give-up.db');
    let id = '';
    for (let start = 1; start <= 2; start++) {
      const q = new StoreQueue({ store, maxAttempts: 2, pollMs: 100 });
      let started = false;
      await q.run(async (job) => {
        started = true;
        await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
        throw job.signal.reason;
      }, { concurrency: 1 });
      if (start === 1) id = await q.enqueue('g1');
      await until(`start ${start}`, () => started);
      await q.close();
    }
    const given: Array<{ videoId: string; error: JobGivenUpError }> = [];
    const ran: string[] = [];
    const q = new StoreQueue({ store, maxAttempts: 2, pollMs: 100 });
    await q.run(async (job) => { ran.push(job.videoId); }, { concurrency: 1, onGiveUp: (videoId, error) => given.push({ videoId, error }) });
    assert.equal(given.length, 1);
    assert.equal(given[0]!.videoId, 'g1');
    assert.equal(given[0]!.error.code, 'SLUICE_ERR_MEDIA_INTERRUPTED');
    assert.equal(given[0]!.error.attempts, 2);
    const job = await store.getJob(Number(id));
    assert.equal(job?.state, 'failed');
    assert.equal(job?.error?.code, 'SLUICE_ERR_MEDIA_INTERRUPTED');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(ran, [], 'a given-up job does not run again');
    await q.close();
  });
});
