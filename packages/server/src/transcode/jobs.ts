/**
 * What the routes call to queue, cancel and report processing, whichever
 * engine runs the jobs: the embedded StoreQueue (jobs table, this process) or
 * BullMQ (any worker). The Store's jobs table is the record in both: every
 * enqueue adds a row there, every delivery claims it (a new fence), and
 * cancel fails it, which turns the running worker's writes stale wherever it
 * runs, before the engine's cancel message even arrives.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { SluiceConfig } from '../config.js';
import type { JobLease, Store } from '../db/store.js';
import type { Metrics } from '../metrics/metrics.js';
import type { JobContext, QueueEngine } from '../queue/queue-engine.js';
import { StoreQueue } from '../queue/store-queue.js';
import type { MediaStore } from '../storage/media-store.js';
import { createProcessJob, type ProcessJobDeps } from './process-job.js';

export interface JobQueueStatus {
  running: number;
  queued: number;
  completed: number;
  failed: number;
  /** This process's running job (the first, when it runs several), as before scale-out. */
  current: { jobId: number; videoId: string; progress: number; startedAt: string | null } | null;
  /** Every running job, on any node (progress is the video's last recorded one). */
  active: Array<{ jobId: number; videoId: string; progress: number; startedAt: string | null }>;
  errors: Array<{ jobId: number; videoId: string; code: string; message: string; at: string | null }>;
}

export interface JobsDeps {
  config: SluiceConfig;
  store: Store;
  media: MediaStore;
  engine: QueueEngine;
  changed(videoId: string): void;
  log: FastifyBaseLogger;
  /** Handlers at once in this process (ffmpeg already uses every core: 1). */
  concurrency?: number;
  process?: ProcessJobDeps['process'];
  metrics?: Metrics;
}

export class Jobs {
  readonly #d: JobsDeps;
  /** The embedded engine writes the job row itself; other engines only carry the video id. */
  readonly #storeEngine: StoreQueue | undefined;
  readonly #progress = new Map<string, number>();
  #runningHere = 0;
  #started = false;
  #stopped = false;

  constructor(deps: JobsDeps) {
    this.#d = deps;
    this.#storeEngine = deps.engine instanceof StoreQueue ? deps.engine : undefined;
  }

  get engine(): QueueEngine {
    return this.#d.engine;
  }

  /** Starts running jobs in this process. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { store, log } = this.#d;
    const handler = createProcessJob({
      config: this.#d.config, store, media: this.#d.media, changed: this.#d.changed, log, process: this.#d.process, metrics: this.#d.metrics,
      lease: (job) => this.#lease(job),
      onProgress: (videoId, fraction) => this.#progress.set(videoId, fraction),
    });
    await this.#d.engine.run(async (job) => {
      this.#runningHere += 1;
      try { await handler(job); } finally { this.#runningHere -= 1; this.#progress.delete(job.videoId); }
    }, {
      concurrency: this.#d.concurrency ?? 1,
      onGiveUp: (videoId, error) => {
        this.#d.metrics?.jobFailed(error.code);
        void this.#giveUp(videoId, error.toJSON()).catch((err: unknown) => log.warn({ err, videoId }, 'recording a given-up job failed'));
      },
    });
  }

  /** Queues (or re-queues) processing of a video whose original is complete. */
  async enqueue(videoId: string): Promise<void> {
    if (!this.#storeEngine) await this.#d.store.enqueueJob(videoId);
    await this.#d.engine.enqueue(videoId);
    this.#d.changed(videoId);
  }

  /** Handlers running in this process now. */
  get runningHere(): number {
    return this.#runningHere;
  }

  /**
   * Videos whose job row is still `queued` since before `olderThan` while the
   * engine has nothing waiting: the engine never got them (a crash between
   * the row and the engine's enqueue). Sent again; the row is not duplicated.
   * The embedded engine reads the table itself, so nothing is ever lost there.
   */
  async resendLost(olderThan: number): Promise<string[]> {
    if (this.#storeEngine) return [];
    if ((await this.#d.engine.counts()).waiting > 0) return [];
    const resent: string[] = [];
    for (const v of await this.#d.store.listVideosByStatus('queued')) {
      const job = await this.#d.store.latestOpenJob(v.id);
      if (job?.state !== 'queued' || Date.parse(job.createdAt) > olderThan) continue;
      await this.#d.engine.enqueue(v.id);
      resent.push(v.id);
    }
    return resent;
  }

  /** Stops processing of this video wherever it runs (delete, reprocess). */
  async cancel(videoId: string): Promise<void> {
    await this.#d.store.cancelJobs(videoId);
    await this.#d.engine.cancel(videoId);
  }

  /** Stops taking jobs and interrupts the running ones; they run again (next start, or another worker). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#d.engine.close();
  }

  async status(): Promise<JobQueueStatus> {
    const { store } = this.#d;
    const [counts, running, failed] = await Promise.all([store.jobCounts(), store.runningJobs(), store.recentFailedJobs(20)]);
    const active = await Promise.all(running.map(async (j) => ({
      jobId: j.id, videoId: j.videoId, startedAt: j.startedAt,
      progress: this.#progress.get(j.videoId) ?? (await store.getVideo(j.videoId))?.progress ?? 0,
    })));
    const mine = this.#storeEngine?.active()[0];
    const current = mine ? active.find((a) => a.jobId === mine.id) ?? null : active.find((a) => this.#progress.has(a.videoId)) ?? null;
    return {
      ...counts, current, active,
      errors: failed.map((j) => ({ jobId: j.id, videoId: j.videoId, code: j.error?.code ?? '', message: j.error?.message ?? '', at: j.finishedAt })),
    };
  }

  /** The embedded engine claimed the row itself; another engine's delivery claims the video's open row (a new fence). */
  async #lease(job: JobContext): Promise<JobLease | undefined> {
    if (this.#storeEngine) return { jobId: Number(job.jobId), fence: Number(job.fence) };
    const row = await this.#d.store.latestOpenJob(job.videoId);
    // A first delivery finding the row running is a duplicate (reprocess, reconciler): the running worker keeps it.
    // A later attempt is the engine's takeover after that worker died or stalled: it claims the row (a new fence).
    if (!row || (row.state === 'running' && job.attempt === 1)) return undefined;
    const claimed = await this.#d.store.claimJob(row.id);
    return claimed && { jobId: claimed.id, fence: claimed.fence };
  }

  async #giveUp(videoId: string, error: { code: string; message: string }): Promise<void> {
    const { store } = this.#d;
    // The embedded engine failed the row itself; BullMQ gave up on a delivery whose row is still open.
    const open = this.#storeEngine ? undefined : await store.latestOpenJob(videoId);
    if (open) await store.finishJob(open.id, error);
    if (await store.updateVideo(videoId, { status: 'failed', playable: false, error })) this.#d.changed(videoId);
  }
}
