/**
 * The embedded engine: jobs in memory, run in this process. Durability in the
 * embedded mode stays with the SQLite jobs table (job-queue.ts re-enqueues
 * what a restart interrupted), so nothing here outlives the process.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_ATTEMPTS, JobCancelledError, JobGivenUpError, QueueClosingError,
  type JobHandler, type QueueCounts, type QueueEngine, type RunOptions,
} from './queue-engine.js';

interface LocalJob { id: string; videoId: string; attempts: number; abort?: AbortController }

export interface LocalQueueOptions {
  maxAttempts?: number;
  /** Wait before retrying a job whose handler threw. */
  retryDelayMs?: number;
}

export class LocalQueue implements QueueEngine {
  readonly capabilities = { crossProcess: false };
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #waiting: LocalJob[] = [];
  readonly #active = new Set<LocalJob>();
  readonly #running = new Set<Promise<void>>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #completed = 0;
  #failed = 0;
  #worker: { handler: JobHandler; options: RunOptions } | undefined;
  #closed = false;

  constructor(options: LocalQueueOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
  }

  enqueue(videoId: string): Promise<string> {
    const job: LocalJob = { id: randomUUID(), videoId, attempts: 0 };
    this.#waiting.push(job);
    this.#pump();
    return Promise.resolve(job.id);
  }

  run(handler: JobHandler, options: RunOptions): Promise<void> {
    if (this.#worker) throw new Error('run() was already called on this queue');
    this.#worker = { handler, options };
    this.#pump();
    return Promise.resolve();
  }

  cancel(videoId: string): Promise<void> {
    for (const job of this.#active) if (job.videoId === videoId) job.abort?.abort(new JobCancelledError(videoId));
    return Promise.resolve();
  }

  counts(): Promise<QueueCounts> {
    return Promise.resolve({ waiting: this.#waiting.length + this.#retryTimers.size, active: this.#active.size, completed: this.#completed, failed: this.#failed });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#retryTimers) clearTimeout(t);
    for (const job of this.#active) job.abort?.abort(new QueueClosingError());
    await Promise.allSettled([...this.#running]);
  }

  #pump(): void {
    const worker = this.#worker;
    if (!worker || this.#closed) return;
    while (this.#active.size < worker.options.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      const run = this.#run(job, worker).finally(() => { this.#running.delete(run); this.#pump(); });
      this.#running.add(run);
    }
  }

  async #run(job: LocalJob, worker: { handler: JobHandler; options: RunOptions }): Promise<void> {
    job.attempts += 1;
    const abort = job.abort = new AbortController();
    this.#active.add(job);
    try {
      await worker.handler({
        videoId: job.videoId, jobId: job.id, attempt: job.attempts, fence: `${job.id}.${job.attempts}`,
        signal: abort.signal,
        stillOwner: () => Promise.resolve(!abort.signal.aborted),
      });
      this.#completed += 1;
    } catch (err) {
      if (abort.signal.reason instanceof JobCancelledError || this.#closed) {
        this.#failed += abort.signal.reason instanceof JobCancelledError ? 1 : 0;
        return;
      }
      if (job.attempts >= this.#maxAttempts) {
        this.#failed += 1;
        worker.options.onGiveUp?.(job.videoId, new JobGivenUpError(job.videoId, job.attempts, err));
        return;
      }
      const timer = setTimeout(() => { this.#retryTimers.delete(timer); this.#waiting.push(job); this.#pump(); }, this.#retryDelayMs);
      this.#retryTimers.add(timer);
    } finally {
      this.#active.delete(job);
    }
  }
}
