/**
 * Processing ONE video, as a queue engine's handler: stage the original, run
 * the pipeline, publish renditions to the bucket, decide when it is
 * playable, write statuses, record a failure. Which worker runs it, retries
 * and durability are the engine's business (queue/).
 *
 * Delivery is at-least-once, so every write is fenced: the handler holds a
 * lease on the video's job row (its fence), each status write is conditional
 * on it, and a refused write (another worker took the job over, or the video
 * was cancelled or deleted) stops this run without touching anything more.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { SluiceConfig } from '../config.js';
import type { JobLease, Store, VideoPatch } from '../db/store.js';
import type { Metrics } from '../metrics/metrics.js';
import { SluiceError, isSluiceError } from '../errors.js';
import { JobCancelledError, JobOwnershipLostError, QueueClosingError, type JobContext, type JobHandler } from '../queue/queue-engine.js';
import type { MediaStore } from '../storage/media-store.js';
import { addEmbeddedTracks, prepareCaptions } from '../captions/caption-processing.js';
import type { CaptionDeps } from '../captions/caption-service.js';
import { extractTextSubtitles } from './extract-subtitles.js';
import { processVideo, type ProcessOptions, type ProcessResult } from './pipeline.js';
import { redactPaths } from './redact-paths.js';
import { limitsFor } from './work-limits.js';

export interface ProcessJobDeps {
  config: SluiceConfig;
  store: Store;
  media: MediaStore;
  /** A video's row changed (status events). */
  changed(videoId: string): void;
  log: FastifyBaseLogger;
  /** The job row this delivery works under; undefined when the job is finished or gone (nothing to do). */
  lease(job: JobContext): Promise<JobLease | undefined>;
  /** Progress of this process's jobs, for /api/admin/jobs. */
  onProgress?(videoId: string, fraction: number): void;
  /** The processing function; the app uses processVideo. */
  process?: (opts: ProcessOptions) => Promise<ProcessResult>;
  metrics?: Metrics;
}

export function createProcessJob(deps: ProcessJobDeps): JobHandler {
  return async (job) => {
    const lease = await deps.lease(job);
    if (!lease) return;
    await new VideoRun(deps, job, lease).run();
  };
}

class VideoRun {
  readonly #abort = new AbortController();
  /** Writes leave in the order the pipeline made them. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ProcessJobDeps,
    private readonly job: JobContext,
    private readonly lease: JobLease,
  ) {
    const forward = (): void => this.#abort.abort(job.signal.reason);
    if (job.signal.aborted) forward();
    else job.signal.addEventListener('abort', forward, { once: true });
  }

  /** A fenced write; a refused one ends this run (someone else owns the job now). */
  #update(patch: VideoPatch): Promise<boolean> {
    const id = this.job.videoId;
    const write = this.#writes.then(async () => {
      if (this.#abort.signal.aborted) return false;
      const r = await this.deps.store.updateVideoForJob(this.lease, patch);
      if (r.ok) { this.deps.changed(id); return true; }
      this.#abort.abort(new JobOwnershipLostError(this.job.jobId));
      return false;
    });
    this.#writes = write.catch(() => false);
    return write;
  }

  #captionDeps(): CaptionDeps {
    const { config, store, media, log } = this.deps;
    return { store, media, log, segmentSeconds: config.segmentSeconds, changed: this.deps.changed };
  }

  async run(): Promise<void> {
    const { config, store, media, log } = this.deps;
    const id = this.job.videoId;
    const signal = this.#abort.signal;
    const startedAt = performance.now();
    const elapsed = (): number => (performance.now() - startedAt) / 1000;
    let original: { path: string; release(): void } | undefined;
    try {
      if (!(await this.#update({ status: 'processing', progress: 0, playable: false, error: null }))) throw signal.reason;
      await media.clearMedia(id);
      original = await media.openOriginal(id);
      // Buckets: files are uploaded as ffmpeg publishes them; playable once the master is up.
      const publisher = media.publisher(id);
      let sawPlayable = false;
      let markedPlayable = false;
      let publishError: unknown;
      const publish = async (): Promise<void> => {
        try {
          if ((await publisher.sync()) && sawPlayable && !markedPlayable) markedPlayable = await this.#update({ playable: true });
        } catch (err) {
          publishError ??= err;
        }
      };
      const video = await store.getVideo(id);
      // Once the duration is stored: caption tracks get their segments (the media folder was emptied).
      let captions: Promise<void> = Promise.resolve();
      const result = await (this.deps.process ?? processVideo)({
        input: original.path,
        outDir: media.outDir(id),
        segmentSeconds: config.segmentSeconds,
        encoder: config.encoder,
        ffmpegPath: config.ffmpegPath,
        ffprobePath: config.ffprobePath,
        stallSeconds: config.stallSeconds,
        limits: limitsFor(config, video?.maxDuration),
        signal,
        onProbe: (p, ladder) => {
          captions = this.#update({
            duration: p.duration, width: p.width, height: p.height,
            renditions: ladder.map((r) => ({ name: r.name, width: r.width, height: r.height, bandwidth: r.bandwidth })),
          }).then(async (ok) => { if (ok) await prepareCaptions(this.#captionDeps(), id); });
        },
        onProgress: (fraction) => {
          this.deps.onProgress?.(id, fraction);
          void this.#update({ progress: fraction });
          if (sawPlayable) void publish();
        },
        onPlayable: () => { sawPlayable = true; void publish(); },
      });
      await publish(); // the last segments, ENDLIST, MP4, poster, storyboard
      await captions;
      if (result.probe.subtitles.length > 0 && !signal.aborted && (await this.job.stillOwner())) {
        const extracted = await extractTextSubtitles({ input: original.path, probe: result.probe, ffmpegPath: config.ffmpegPath, signal, log });
        await addEmbeddedTracks(this.#captionDeps(), id, extracted.map((e) => ({ bytes: e.bytes, language: e.stream.language, title: e.stream.title, isDefault: e.stream.isDefault })), result.probe.videoStartOffset);
      }
      if (publishError) throw new SluiceError('SLUICE_ERR_STORAGE_FAILED', `Publishing the renditions to storage failed: ${publishError instanceof Error ? publishError.message : String(publishError)}`, { cause: publishError });
      await this.#writes;
      // The last word is the owner's only: a worker that lost the job must not mark it ready.
      if (!(await this.job.stillOwner())) throw signal.aborted ? signal.reason : new JobOwnershipLostError(this.job.jobId);
      await media.dropStaging(id);
      if (!(await this.#update({ status: 'ready', progress: 1, playable: true, encoder: result.encoder }))) throw signal.reason;
      await store.finishLeasedJob(this.lease);
      log.info({ videoId: id, encoder: result.encoder }, 'video ready');
      this.deps.metrics?.jobReady(elapsed(), result);
    } catch (err) {
      if (signal.aborted) {
        const reason: unknown = signal.reason;
        log.info({ videoId: id, reason: reason instanceof Error ? reason.name : String(reason) }, 'processing interrupted');
        this.deps.metrics?.jobFinished('interrupted', elapsed());
        // Shutting down: the engine puts the job back (it runs again here or elsewhere).
        if (reason instanceof QueueClosingError) throw reason;
        // Cancelled (the route already failed the job row) or taken over: nothing left to record.
        if (reason instanceof JobCancelledError || reason instanceof JobOwnershipLostError) return;
        throw reason instanceof Error ? reason : new Error(String(reason));
      }
      const e = isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', err instanceof Error ? err.message : String(err), { cause: err });
      log.warn({ videoId: id, code: e.code, err: e.message }, 'processing failed');
      this.deps.metrics?.jobFinished('failed', elapsed(), e.code);
      // What the status document and /api/admin/jobs show: no server path (the log above keeps them).
      const shown = { code: e.code, message: redactPaths(e.message, [config.dataDir, config.cacheDir, media.outDir(id), original?.path]) };
      if (await this.#update({ status: 'failed', playable: false, error: shown })) await store.finishLeasedJob(this.lease, shown);
    } finally {
      original?.release();
    }
  }
}
