/**
 * The scale-out engine: BullMQ 6 on PostgreSQL (its Postgres backend, so
 * PostgreSQL + a bucket is the whole stack) or on Redis. BullMQ gives the
 * claim (`FOR UPDATE SKIP LOCKED` / BZPOPMIN), the lock each worker renews
 * while it runs a job, and stalled-job detection: a job whose worker died or
 * froze past `lockDurationMs` goes back to the queue and another worker takes
 * it. Cancellation travels over the node's PubSub, because BullMQ's own
 * `cancelJob` only reaches jobs of the Worker object it is called on.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, createPostgresBackend, withBackend, type Job, type JobsOptions, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import type { PubSub } from '../pubsub/pubsub.js';
import {
  DEFAULT_MAX_ATTEMPTS, JobCancelledError, JobGivenUpError, JobOwnershipLostError, QueueClosingError,
  type JobHandler, type QueueCounts, type QueueEngine, type RunOptions,
} from './queue-engine.js';

export type BullmqBackend = { kind: 'postgres'; url: string } | { kind: 'redis'; url: string };

export interface BullmqQueueOptions {
  backend: BullmqBackend;
  /** Carries cancel(videoId) to every node. */
  pubsub: PubSub;
  queueName?: string;
  maxAttempts?: number;
  /** A worker silent (dead, frozen) this long loses its job to another worker. BullMQ's default: 30 s. */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired. */
  stalledIntervalMs?: number;
  /** First retry delay after a thrown error (exponential). */
  retryDelayMs?: number;
}

interface JobData { videoId: string }

/** What this engine uses of a BullMQ Queue / Worker, whichever backend they are bound to. */
interface QueueLike {
  readonly name: string;
  add(name: string, data: JobData, opts: JobsOptions): Promise<{ id?: string | undefined }>;
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<void>;
}
interface WorkerLike {
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'lockRenewalFailed', listener: (jobIds: string[]) => void): unknown;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
type Processor = (job: Job<JobData>, token?: string, signal?: AbortSignal) => Promise<void>;

const postgres = withBackend(createPostgresBackend);

const CANCEL_CHANNEL = 'sluice_job_cancel';

export class BullmqQueue implements QueueEngine {
  readonly capabilities = { crossProcess: true };
  readonly #opts: BullmqQueueOptions;
  readonly #queue: QueueLike;
  readonly #redis: Redis | undefined;
  readonly #running = new Map<string, { videoId: string; abort: AbortController }>();
  #worker: WorkerLike | undefined;
  #unsubscribe: (() => void) | undefined;

  private constructor(opts: BullmqQueueOptions) {
    this.#opts = opts;
    const name = opts.queueName ?? 'sluice-videos';
    if (opts.backend.kind === 'redis') {
      // BullMQ's workers need maxRetriesPerRequest: null (blocking commands must not time out).
      this.#redis = new Redis(opts.backend.url, { maxRetriesPerRequest: null });
      this.#queue = new Queue<JobData>(name, { connection: this.#redis });
    } else {
      this.#queue = new postgres.Queue<JobData>(name, { connection: { connectionString: opts.backend.url, migrate: true } });
    }
    this.#queue.on('error', () => undefined); // connection errors are retried by BullMQ; a listener keeps them from crashing
  }

  /** Connects (and, on PostgreSQL, runs BullMQ's migrations once under its advisory lock). */
  static async connect(opts: BullmqQueueOptions): Promise<BullmqQueue> {
    const engine = new BullmqQueue(opts);
    await engine.#queue.waitUntilReady();
    return engine;
  }

  get #maxAttempts(): number {
    return this.#opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async enqueue(videoId: string): Promise<string> {
    const job = await this.#queue.add('process', { videoId }, {
      attempts: this.#maxAttempts,
      backoff: { type: 'exponential', delay: this.#opts.retryDelayMs ?? 5000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
    if (job.id === undefined) throw new Error('BullMQ returned a job without an id');
    return job.id;
  }

  async run(handler: JobHandler, options: RunOptions): Promise<void> {
    if (this.#worker) throw new Error('run() was already called on this queue');
    this.#unsubscribe = await this.#opts.pubsub.subscribe(CANCEL_CHANNEL, (videoId) => {
      for (const job of this.#running.values()) if (job.videoId === videoId) job.abort.abort(new JobCancelledError(videoId));
    });
    const lockDuration = this.#opts.lockDurationMs ?? 30_000;
    const workerOptions = {
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: this.#opts.stalledIntervalMs ?? lockDuration,
      // Give-up is decided from attemptsStarted (stalls and throws alike), not by BullMQ's stall counter.
      maxStalledCount: this.#maxAttempts + 1,
    };
    const processor: Processor = async (job, token, signal) => {
      await this.#process(job, token ?? '', signal, lockDuration, handler, options);
    };
    const worker = this.#opts.backend.kind === 'redis'
      ? new Worker<JobData>(this.#queue.name, processor, { ...workerOptions, connection: this.#redis! })
      : new postgres.Worker<JobData>(this.#queue.name, processor, { ...workerOptions, connection: { connectionString: this.#opts.backend.url } });
    worker.on('error', () => undefined);
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds) this.#running.get(id)?.abort.abort(new JobOwnershipLostError(id));
    });
    this.#worker = worker;
    await worker.waitUntilReady();
  }

  async cancel(videoId: string): Promise<void> {
    await this.#opts.pubsub.publish(CANCEL_CHANNEL, videoId);
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.#queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed');
    return { waiting: (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    for (const job of this.#running.values()) job.abort.abort(new QueueClosingError());
    await this.#worker?.close();
    await this.#queue.close();
    await this.#redis?.quit().catch(() => undefined);
  }

  async #process(job: Job<JobData>, token: string, bullSignal: AbortSignal | undefined, lockDuration: number, handler: JobHandler, options: RunOptions): Promise<void> {
    const id = job.id ?? '';
    const videoId = job.data.videoId;
    const attempt = job.attemptsStarted;
    if (attempt > this.#maxAttempts) {
      // Started again after its workers died or froze each time: the job itself likely kills them.
      options.onGiveUp?.(videoId, new JobGivenUpError(videoId, attempt - 1, undefined));
      throw new UnrecoverableError(`given up after ${attempt - 1} interrupted attempts`);
    }
    const abort = new AbortController();
    bullSignal?.addEventListener('abort', () => abort.abort(bullSignal.reason), { once: true });
    this.#running.set(id, { videoId, abort });
    try {
      await handler({
        videoId, jobId: id, attempt, fence: `${id}.${attempt}`, signal: abort.signal,
        stillOwner: async () => {
          if (abort.signal.aborted) return false;
          // extendLock is a compare-and-set on the lock token: it fails once another worker holds the job.
          try { return (await job.extendLock(token, lockDuration)) === 1; } catch { return false; }
        },
      });
    } catch (err) {
      const reason: unknown = abort.signal.reason;
      if (reason instanceof JobCancelledError) throw new UnrecoverableError(reason.message);
      // Another worker runs it now: nothing this one could record about the job is true any more.
      if (reason instanceof JobOwnershipLostError) throw reason;
      if (reason instanceof QueueClosingError) {
        // Back to the queue at once, for a worker that is not shutting down (not a failure; the next start counts).
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError(reason.message);
      }
      if (attempt >= this.#maxAttempts) options.onGiveUp?.(videoId, new JobGivenUpError(videoId, attempt, err));
      throw err instanceof Error ? err : new Error(String(err));
    } finally {
      this.#running.delete(id);
    }
  }
}
