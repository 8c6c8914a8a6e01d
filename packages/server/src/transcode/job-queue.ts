/**
 * The durable job queue: jobs live in SQLite, one runs at a time (ffmpeg
 * already uses every core), a job interrupted by a crash or restart runs
 * again on the next start, and one that keeps being interrupted is given up.
 */
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { SluiceConfig } from '../config.js';
import type { JobRecord, Repository, VideoPatch } from '../db/repository.js';
import { SluiceError, isSluiceError } from '../errors.js';
import type { MediaStore } from '../storage/media-store.js';
import type { VideoEvents } from '../videos/video-events.js';
import { processVideo, type ProcessOptions, type ProcessResult } from './pipeline.js';
import { redactPaths } from './redact-paths.js';
import { limitsFor } from './work-limits.js';

/** A job started this many times without finishing is failed (it likely crashes the process). */
const MAX_ATTEMPTS = 3;
const CANCELLED = new Error('cancelled');
/** Jobs queued by another process (`sluice import`) are noticed within this interval. */
const POLL_MS = 2000;

export interface JobQueueStatus {
  running: number;
  queued: number;
  completed: number;
  failed: number;
  current: { jobId: number; videoId: string; progress: number; startedAt: string | null } | null;
  errors: Array<{ jobId: number; videoId: string; code: string; message: string; at: string | null }>;
}

export interface JobQueueDeps {
  config: SluiceConfig;
  repo: Repository;
  media: MediaStore;
  events: VideoEvents;
  log: FastifyBaseLogger;
  /** The processing function; the app uses processVideo. */
  process?: (opts: ProcessOptions) => Promise<ProcessResult>;
}

export class JobQueue {
  readonly #deps: JobQueueDeps;
  #current: { job: JobRecord; abort: AbortController; progress: number } | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #poll: NodeJS.Timeout | undefined;

  constructor(deps: JobQueueDeps) {
    this.#deps = deps;
  }

  /** Requeues interrupted jobs (or fails those interrupted too often) and starts working. */
  start(): void {
    const { repo } = this.#deps;
    for (const job of repo.requeueInterruptedJobs()) {
      if (job.pid) this.#stopOrphan(job.pid, job.videoId);
      if (job.attempts >= MAX_ATTEMPTS) {
        const error = new SluiceError('SLUICE_ERR_MEDIA_INTERRUPTED', `Processing was interrupted ${job.attempts} times (crash or restart) and was given up; POST /api/videos/${job.videoId}/reprocess to try again.`);
        repo.finishJob(job.id, error.toJSON());
        this.#update(job.videoId, { status: 'failed', playable: false, error: error.toJSON() });
      } else {
        this.#update(job.videoId, { status: 'queued', progress: 0, playable: false });
      }
    }
    this.#stopped = false;
    this.#poll = setInterval(() => this.#kick(), POLL_MS);
    this.#poll.unref();
    this.#kick();
  }

  /** Queues (or re-queues) processing of a video whose original is complete. */
  enqueue(videoId: string): void {
    this.#deps.repo.enqueueJob(videoId);
    this.#deps.events.changed(videoId);
    this.#kick();
  }

  /** Stops the running job of this video, if any (delete, reprocess). */
  cancel(videoId: string): void {
    if (this.#current?.job.videoId === videoId) this.#current.abort.abort(CANCELLED);
  }

  /** Stops taking jobs and interrupts the running one; it runs again on the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    this.#current?.abort.abort(new Error('server stopping'));
    await this.#running;
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  status(): JobQueueStatus {
    const { repo } = this.#deps;
    const cur = this.#current;
    return {
      ...repo.jobCounts(),
      current: cur ? { jobId: cur.job.id, videoId: cur.job.videoId, progress: cur.progress, startedAt: cur.job.startedAt } : null,
      errors: repo.recentFailedJobs(20).map((j) => ({ jobId: j.id, videoId: j.videoId, code: j.error?.code ?? '', message: j.error?.message ?? '', at: j.finishedAt })),
    };
  }

  /**
   * A crash (SIGKILL, OOM) kills node but not its ffmpeg child, which would
   * keep writing into the folder the rerun uses. Stop it if it is still ours.
   */
  #stopOrphan(pid: number, videoId: string): void {
    let cmdline = '';
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return; /* gone, or no procfs */ }
    if (!cmdline.includes(this.#deps.media.outDir(videoId))) return;
    try { process.kill(pid, 'SIGKILL'); this.#deps.log.warn({ pid, videoId }, 'stopped an ffmpeg left running by a crash'); } catch {}
  }

  #update(videoId: string, patch: VideoPatch): void {
    if (this.#deps.repo.updateVideo(videoId, patch)) this.#deps.events.changed(videoId);
  }

  #kick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#loop().finally(() => { this.#running = undefined; });
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const job = this.#deps.repo.claimNextJob();
      if (!job) return;
      await this.#run(job);
    }
  }

  async #run(job: JobRecord): Promise<void> {
    const { config, repo, media, log } = this.#deps;
    const abort = new AbortController();
    this.#current = { job, abort, progress: 0 };
    const id = job.videoId;
    this.#update(id, { status: 'processing', progress: 0, playable: false, error: null });
    let original: { path: string; release(): void } | undefined;
    try {
      await media.clearMedia(id);
      original = await media.openOriginal(id);
      // Buckets: files are uploaded as ffmpeg publishes them; playable once the master is up.
      const publisher = media.publisher(id);
      let sawPlayable = false;
      let publishError: unknown;
      const publish = async (): Promise<void> => {
        try {
          if ((await publisher.sync()) && sawPlayable && !repo.getVideo(id)?.playable) this.#update(id, { playable: true });
        } catch (err) {
          publishError ??= err;
        }
      };
      const result = await (this.#deps.process ?? processVideo)({
        input: original.path,
        outDir: media.outDir(id),
        segmentSeconds: config.segmentSeconds,
        encoder: config.encoder,
        ffmpegPath: config.ffmpegPath,
        ffprobePath: config.ffprobePath,
        stallSeconds: config.stallSeconds,
        limits: limitsFor(config, repo.getVideo(id)?.maxDuration),
        signal: abort.signal,
        onProbe: (p, ladder) => this.#update(id, {
          duration: p.duration, width: p.width, height: p.height,
          renditions: ladder.map((r) => ({ name: r.name, width: r.width, height: r.height, bandwidth: r.bandwidth })),
        }),
        onProgress: (fraction) => {
          if (this.#current) this.#current.progress = fraction;
          this.#update(id, { progress: fraction });
          if (sawPlayable) void publish();
        },
        onPlayable: () => { sawPlayable = true; void publish(); },
        onSpawn: (pid) => repo.setJobPid(job.id, pid),
      });
      await publish(); // the last segments, ENDLIST, MP4, poster, storyboard
      if (publishError) throw new SluiceError('SLUICE_ERR_STORAGE_FAILED', `Publishing the renditions to storage failed: ${publishError instanceof Error ? publishError.message : String(publishError)}`, { cause: publishError });
      await media.dropStaging(id);
      repo.finishJob(job.id);
      this.#update(id, { status: 'ready', progress: 1, playable: true, encoder: result.encoder });
      log.info({ videoId: id, encoder: result.encoder }, 'video ready');
    } catch (err) {
      if (abort.signal.aborted) {
        // Cancelled: the caller deletes or re-queues the video. Stopping: the
        // job stays `running`, so the next start runs it again.
        if (abort.signal.reason === CANCELLED) repo.finishJob(job.id, { code: 'SLUICE_ERR_MEDIA_INTERRUPTED', message: 'cancelled' });
        log.info({ videoId: id }, 'processing interrupted');
        return;
      }
      const e = isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', err instanceof Error ? err.message : String(err), { cause: err });
      log.warn({ videoId: id, code: e.code, err: e.message }, 'processing failed');
      // What the status document and /api/admin/jobs show: no server path (the log above keeps them).
      const shown = { code: e.code, message: redactPaths(e.message, [config.dataDir, config.cacheDir, media.outDir(id), original?.path]) };
      repo.finishJob(job.id, shown);
      this.#update(id, { status: 'failed', playable: false, error: shown });
    } finally {
      original?.release();
      this.#current = undefined;
    }
  }

}
