/**
 * A queue worker in its own process, for the contract's cross-process tests.
 * argv[2] is a JSON WorkerProcessConfig; it reports on stdout, one JSON object
 * per line: ready, start, aborted, owner, done.
 */
import { BullmqQueue, type BullmqBackend } from '../../../src/queue/bullmq-queue.js';
import { PostgresPubSub } from '../../../src/pubsub/pubsub-postgres.js';
import { RedisPubSub } from '../../../src/pubsub/pubsub-redis.js';
import type { PubSub } from '../../../src/pubsub/pubsub.js';

export interface WorkerProcessConfig {
  backend: BullmqBackend;
  queueName: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxAttempts?: number;
  /** hold: wait for the abort signal. freeze: block the event loop this long, then ask stillOwner(). */
  behaviour: { kind: 'hold' } | { kind: 'freeze'; ms: number };
}

const say = (o: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const config = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessConfig;
const pubsub: PubSub = config.backend.kind === 'redis'
  ? await RedisPubSub.connect({ url: config.backend.url })
  : await PostgresPubSub.connect({ connectionString: config.backend.url });
const engine = await BullmqQueue.connect({
  backend: config.backend, pubsub, queueName: config.queueName,
  lockDurationMs: config.lockDurationMs, stalledIntervalMs: config.stalledIntervalMs, retryDelayMs: 100,
  ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
});
await engine.run(async (job) => {
  say({ event: 'start', pid: process.pid, videoId: job.videoId, jobId: job.jobId, attempt: job.attempt, fence: job.fence });
  const b = config.behaviour;
  if (b.kind === 'freeze') {
    // A frozen worker (GC pause, swapped out, partitioned) that keeps running afterwards.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, b.ms);
    say({ event: 'owner', ok: await job.stillOwner(), fence: job.fence });
    say({ event: 'done' });
    return;
  }
  await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
  const reason: unknown = job.signal.reason;
  say({ event: 'aborted', reason: reason instanceof Error ? reason.name : String(reason) });
  throw reason instanceof Error ? reason : new Error(String(reason));
}, { concurrency: 1 });
say({ event: 'ready', pid: process.pid });
process.on('SIGTERM', () => { void engine.close().then(() => pubsub.close()).then(() => process.exit(0)); });
