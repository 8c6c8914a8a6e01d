/**
 * The embedded engine: jobs are rows of the Store's jobs table (SQLite by
 * default), run in this process. Durable: a job interrupted by a crash or a
 * restart is still `running` in the table, so the next run() puts it back in
 * the queue; one started `maxAttempts` times without finishing is given up
 * (it likely crashes the process). Jobs queued by another process on the same
 * file (`sluice import`) are noticed by polling.
 */
import type { Store, StoreJobRecord } from '../db/store.js';
import {
  DEFAULT_MAX_ATTEMPTS, JobCancelledError, JobGivenUpError, QueueClosingError,
  type JobHandler, type QueueCounts, type QueueEngine, type RunOptions,
} from './queue-engine.js';

export interface StoreQueueOptions {
  store: Store;
  maxAttempts?: number;
  /** Wait before retrying a job whose handler threw. */
  retryDelayMs?: number;
  /** How often the table is looked at for jobs another process queued. */
  pollMs?: number;
  /** A job a restart interrupted goes back to the queue (the app shows its video as queued again). */
  onRequeued?(videoId: string): void;
  /** A store error in the engine's own loop (the loop carries on at the next poll). */
  onError?(err: unknown): void;
}

interface Active { job: StoreJobRecord; abort: AbortController }

export class StoreQueue implements QueueEngine {
  readonly capabilities = { crossProcess: false };
  readonly #o: StoreQueueOptions;
  readonly #active = new Set<Active>();
  readonly #running = new Set<Promise<void>>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #worker: { handler: JobHandler; options: RunOptions } | undefined;
  #poll: NodeJS.Timeout | undefined;
  #pumping: Promise<void> | undefined;
  #closed = false;

  constructor(options: StoreQueueOptions) {
    this.#o = options;
  }

  get #maxAttempts(): number {
    return this.#o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async enqueue(videoId: string): Promise<string> {
    const job = await this.#o.store.enqueueJob(videoId);
    this.#pump();
    return String(job.id);
  }

  async run(handler: JobHandler, options: RunOptions): Promise<void> {
    if (this.#worker) throw new Error('run() was already called on this queue');
    const { store } = this.#o;
    for (const job of await store.requeueInterruptedJobs()) {
      if (job.attempts >= this.#maxAttempts) {
        const error = new JobGivenUpError(job.videoId, job.attempts, undefined);
        await store.finishJob(job.id, error.toJSON());
        options.onGiveUp?.(job.videoId, error);
      } else {
        this.#o.onRequeued?.(job.videoId);
      }
    }
    this.#worker = { handler, options };
    this.#poll = setInterval(() => this.#pump(), this.#o.pollMs ?? 2000);
    this.#poll.unref();
    this.#pump();
  }

  cancel(videoId: string): Promise<void> {
    for (const a of this.#active) if (a.job.videoId === videoId) a.abort.abort(new JobCancelledError(videoId));
    return Promise.resolve();
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.#o.store.jobCounts();
    return { waiting: c.queued + this.#retryTimers.size, active: c.running - this.#retryTimers.size, completed: c.completed, failed: c.failed };
  }

  /** Stops taking jobs and interrupts the running ones: they stay `running` in the table, so the next start runs them again. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    for (const t of this.#retryTimers) clearTimeout(t);
    for (const a of this.#active) a.abort.abort(new QueueClosingError());
    await this.#pumping;
    await Promise.allSettled([...this.#running]);
  }

  /** This process's running jobs. */
  active(): StoreJobRecord[] {
    return [...this.#active].map((a) => a.job);
  }

  /** One claim loop at a time; claiming is serialised, running is concurrent up to `concurrency`. */
  #pump(): void {
    if (this.#pumping || !this.#worker || this.#closed) return;
    this.#pumping = this.#claim(this.#worker)
      .catch((err: unknown) => this.#o.onError?.(err))
      .finally(() => { this.#pumping = undefined; });
  }

  async #claim(worker: { handler: JobHandler; options: RunOptions }): Promise<void> {
    while (!this.#closed && this.#active.size + this.#retryTimers.size < worker.options.concurrency) {
      const job = await this.#o.store.claimNextJob();
      if (!job) return;
      if (this.#closed) return; // left running: requeued at the next start
      const run = this.#run(job, worker).finally(() => { this.#running.delete(run); this.#pump(); });
      this.#running.add(run);
    }
  }

  async #run(job: StoreJobRecord, worker: { handler: JobHandler; options: RunOptions }): Promise<void> {
    const { store } = this.#o;
    const lease = { jobId: job.id, fence: job.fence };
    const abort = new AbortController();
    const active = { job, abort };
    this.#active.add(active);
    try {
      await worker.handler({
        videoId: job.videoId, jobId: String(job.id), attempt: job.attempts, fence: String(job.fence), signal: abort.signal,
        stillOwner: async () => {
          if (abort.signal.aborted) return false;
          const now = await store.getJob(job.id);
          return now?.state === 'running' && now.fence === job.fence;
        },
      });
      await store.finishLeasedJob(lease); // stale when the handler recorded the outcome itself
    } catch (err) {
      const reason: unknown = abort.signal.reason;
      if (reason instanceof QueueClosingError) return;
      if (reason instanceof JobCancelledError) { await store.finishLeasedJob(lease, { code: 'SLUICE_ERR_MEDIA_INTERRUPTED', message: 'cancelled' }); return; }
      if (job.attempts >= this.#maxAttempts) {
        const error = new JobGivenUpError(job.videoId, job.attempts, err);
        if ((await store.finishLeasedJob(lease, error.toJSON())).ok) worker.options.onGiveUp?.(job.videoId, error);
        return;
      }
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        void store.requeueLeasedJob(lease).then(() => this.#pump(), (e: unknown) => this.#o.onError?.(e));
      }, this.#o.retryDelayMs ?? 1000);
      this.#retryTimers.add(timer);
    } finally {
      this.#active.delete(active);
    }
  }
}
