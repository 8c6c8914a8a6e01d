/**
 * What a job engine does for Sluice: claim, retry and durability only — no
 * video processing in here. The app's handler processes one video; an engine
 * decides who runs it, runs it again when its worker died, and gives up after
 * `maxAttempts` starts.
 *
 * Delivery is at-least-once: a worker that stalled (event loop blocked,
 * network partition) past its lock may still be running when another worker
 * takes the job over. So the handler fences its writes: it records `fence`
 * on the video row when it starts, makes every later write conditional on it,
 * and calls `stillOwner()` before committing a result.
 */
import { SluiceError } from '../errors.js';

export interface JobContext {
  videoId: string;
  jobId: string;
  /** 1 for the first start; counts restarts after a dead worker too. */
  attempt: number;
  /** Unique to this start of this job: the newest start's fence is the only valid one. */
  fence: string;
  /** Aborted by cancel(videoId) from any node, by a lost lock, or by close(). Its reason says which. */
  signal: AbortSignal;
  /** False once another worker took this job over (or it was cancelled): do not commit anything. */
  stillOwner(): Promise<boolean>;
}

/** Resolving finishes the job; throwing retries it (up to maxAttempts); a media error should be recorded and not thrown. */
export type JobHandler = (job: JobContext) => Promise<void>;

export interface RunOptions {
  concurrency: number;
  /** The job will not run again: it failed or was interrupted `attempts` times. */
  onGiveUp?(videoId: string, error: JobGivenUpError): void;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

export interface EngineCapabilities {
  /** Jobs survive this process and are shared with other processes. */
  crossProcess: boolean;
}

export interface QueueEngine {
  readonly capabilities: EngineCapabilities;
  /** Queues processing of a video; returns the job id. */
  enqueue(videoId: string): Promise<string>;
  /** Starts working on this node; resolves once the worker takes jobs. One run() per engine. */
  run(handler: JobHandler, options: RunOptions): Promise<void>;
  /** Aborts the running job(s) of this video on whichever node runs them; the job is not retried. */
  cancel(videoId: string): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Stops taking jobs and aborts running handlers (their jobs run again elsewhere or at next start). */
  close(): Promise<void>;
}

/** Reasons a JobContext's signal carries. */
export class JobCancelledError extends Error {
  constructor(videoId: string) {
    super(`processing of ${videoId} was cancelled`);
    this.name = 'JobCancelledError';
  }
}

export class JobOwnershipLostError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was taken over by another worker (this worker lost its lock)`);
    this.name = 'JobOwnershipLostError';
  }
}

/** close() interrupted the handler: the job goes back to the queue for another worker. */
export class QueueClosingError extends Error {
  constructor() {
    super('the worker is shutting down; the job goes back to the queue');
    this.name = 'QueueClosingError';
  }
}

export class JobGivenUpError extends SluiceError {
  readonly attempts: number;
  constructor(videoId: string, attempts: number, cause: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : ' (its worker died or stalled each time)';
    super('SLUICE_ERR_MEDIA_INTERRUPTED', `Processing of ${videoId} was started ${attempts} times without finishing and was given up${why}; POST /api/videos/${videoId}/reprocess to try again.`, { cause });
    this.name = 'JobGivenUpError';
    this.attempts = attempts;
  }
}

export const DEFAULT_MAX_ATTEMPTS = 3;
