/**
 * Processing of one upload, in order: probe → ladder → HLS (one decode,
 * published while it runs) → MP4 fallback → poster → storyboard. Every
 * output is written under a temp name and renamed into place when complete.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SluiceError, isSluiceError } from '../errors.js';
import { abortReason } from './ffmpeg-run.js';
import { runHlsJob } from './hls-job.js';
import { planLadder, type Rendition } from './ladder.js';
import { fallbackRendition, writeMp4Fallback, type StepOptions } from './mp4-fallback.js';
import { writePoster } from './poster.js';
import { probe, type ProbeResult } from './probe.js';
import { redactPaths } from './redact-paths.js';
import { writeStoryboard } from './storyboard.js';
import { checkWorkLimits, type WorkLimits } from './work-limits.js';
import { HLS_DIR, MASTER, MP4, POSTER, STORYBOARD_IMAGE, STORYBOARD_VTT, playlistFile } from '../storage/media-keys.js';

export interface ProcessOptions {
  input: string;
  /** <dataDir>/media/<videoId>; emptied first (a previous run's files are removed). */
  outDir: string;
  segmentSeconds: 2 | 4;
  /** 'libx264', or a hardware encoder such as 'h264_nvenc' (falls back to libx264 if it fails). */
  encoder: string;
  ffmpegPath: string;
  ffprobePath: string;
  /** Watchdog: no ffmpeg progress for this long → SLUICE_ERR_MEDIA_TRANSCODE_STALLED. */
  stallSeconds: number;
  /** Checked on the probe, before any encoding (SLUICE_ERR_MEDIA_TOO_LONG / TOO_LARGE); the duration also bounds the ffmpeg run. */
  limits?: WorkLimits;
  /** Abort → ffmpeg is killed at once and processVideo rejects with the signal's reason. */
  signal?: AbortSignal;
  /** After probing, before any encoding. */
  onProbe?(p: ProbeResult, ladder: Rendition[]): void;
  /** 0..1 over the whole job, monotonic, at most ~2 calls/s, ends with exactly 1. */
  onProgress?(fraction: number): void;
  /** Once: hls/master.m3u8 exists and every media playlist lists ≥ 1 segment. */
  onPlayable?(): void;
  /** Each ffmpeg process id as it starts (diagnostics, tests). */
  onSpawn?(pid: number): void;
}

export interface ProcessResult {
  probe: ProbeResult;
  renditions: Rendition[];
  /** The encoder actually used (libx264 after a hardware fallback). */
  encoder: string;
  /** Wall seconds of the HLS run that succeeded (every rung at once) and of the MP4 fallback's remux. */
  seconds: { hls: number; mp4: number };
  /** Paths relative to outDir. */
  files: { master: string; playlists: Record<string, string>; mp4: string; poster: string; storyboardVtt: string; storyboardImage: string };
}

/** Share of the progress bar each step owns; HLS dominates the wall time. */
const SHARE = { hls: 0.9, mp4: 0.04, poster: 0.01, storyboard: 0.05 } as const;
const PROGRESS_INTERVAL_MS = 500;
const FALLBACK_ENCODER = 'libx264';

/**
 * Runs the whole pipeline; see ProcessOptions for the callbacks' timing.
 * Error messages name no server path (the input's and outDir's are cut).
 */
export async function processVideo(opts: ProcessOptions): Promise<ProcessResult> {
  try {
    return await run(opts);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const roots = [opts.outDir, dirname(opts.input)];
    if (isSluiceError(err)) {
      const message = redactPaths(err.message, roots);
      throw message === err.message ? err : new SluiceError(err.code, message, { cause: err.cause ?? err });
    }
    // fs errors (a rename that found nothing to rename) name both ends.
    throw new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', redactPaths(err instanceof Error ? err.message : String(err), roots), { cause: err });
  }
}

async function run(opts: ProcessOptions): Promise<ProcessResult> {
  const { outDir, signal } = opts;
  const hlsDir = join(outDir, HLS_DIR);
  const workDir = join(outDir, '.work');
  const progress = progressReporter(opts.onProgress);
  const check = (): void => { if (signal?.aborted) throw abortReason(signal); };

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const p = await probe(opts.input, { ffprobePath: opts.ffprobePath, signal });
  if (opts.limits) checkWorkLimits(p, opts.limits);
  const renditions = planLadder(p);
  opts.onProbe?.(p, renditions);
  check();

  const span = (start: number, share: number) => (seconds: number): void =>
    progress.report(start + share * (p.duration > 0 ? Math.min(1, seconds / p.duration) : 0));
  const step = (start: number, share: number): StepOptions => ({
    ffmpegPath: opts.ffmpegPath, stallSeconds: opts.stallSeconds, signal, onTime: span(start, share),
  });
  let playable = false;
  const hls = (encoder: string): Promise<void> => runHlsJob({
    input: opts.input, hlsDir, workDir, probe: p, renditions,
    segmentSeconds: opts.segmentSeconds, encoder, ffmpegPath: opts.ffmpegPath,
    stallSeconds: opts.stallSeconds, maxSeconds: opts.limits?.maxDuration, signal, onTime: span(0, SHARE.hls), onSpawn: opts.onSpawn,
    onPlayable: () => {
      if (playable) return;
      playable = true;
      opts.onPlayable?.();
    },
  });

  let encoder = opts.encoder;
  const seconds = { hls: 0, mp4: 0 };
  let startedAt = performance.now();
  const elapsed = (): number => (performance.now() - startedAt) / 1000;
  try {
    try {
      await hls(encoder);
    } catch (err) {
      // A hardware encoder that fails (no GPU, no driver, out of sessions) → CPU.
      if (encoder === FALLBACK_ENCODER || !isSluiceError(err) || err.code !== 'SLUICE_ERR_MEDIA_TRANSCODE_FAILED' || signal?.aborted) throw err;
      encoder = FALLBACK_ENCODER;
      await rm(hlsDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
      startedAt = performance.now();
      await hls(encoder);
    }
    seconds.hls = elapsed();
    const small = fallbackRendition(renditions);
    startedAt = performance.now();
    await writeMp4Fallback(hlsDir, small.name, join(outDir, MP4), step(SHARE.hls, SHARE.mp4));
    seconds.mp4 = elapsed();
    check();
    await writePoster(opts.input, p, small, join(outDir, POSTER), step(SHARE.hls + SHARE.mp4, SHARE.poster));
    check();
    const smallest = renditions[renditions.length - 1] ?? small;
    await writeStoryboard(hlsDir, smallest, p.duration, join(outDir, STORYBOARD_IMAGE), join(outDir, STORYBOARD_VTT),
      step(1 - SHARE.storyboard, SHARE.storyboard));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  progress.done();
  return {
    probe: p,
    renditions,
    encoder,
    seconds,
    files: {
      master: MASTER,
      playlists: Object.fromEntries(renditions.map((r) => [r.name, playlistFile(r.name)])),
      mp4: MP4,
      poster: POSTER,
      storyboardVtt: STORYBOARD_VTT,
      storyboardImage: STORYBOARD_IMAGE,
    },
  };
}

/** Monotonic and throttled: a value is passed on at most every 500 ms; `done()` always sends 1. */
function progressReporter(onProgress: ((f: number) => void) | undefined): { report(f: number): void; done(): void } {
  let sent = 0;
  let lastAt = 0;
  return {
    report(f) {
      const value = Math.min(0.999, Math.max(0, f));
      const now = Date.now();
      if (value <= sent || now - lastAt < PROGRESS_INTERVAL_MS) return;
      sent = value;
      lastAt = now;
      onProgress?.(value);
    },
    done() {
      onProgress?.(1);
    },
  };
}
