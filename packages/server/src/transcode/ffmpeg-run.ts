/**
 * Runs one ffmpeg process through fluent-ffmpeg with what every step needs:
 * a progress report, a stall watchdog, prompt abort, and a failure message
 * built from the last useful stderr lines. The promise settles only after
 * the process has exited, so "rejected" means "ffmpeg is gone".
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { SluiceError } from '../errors.js';
import { diesWithParent } from './child-lifetime.js';
import { ProgressParser, type ProgressReport } from './progress.js';
import { redactPaths } from './redact-paths.js';

export interface FfmpegRunOptions {
  ffmpegPath: string;
  /** What this run produces, for messages ("the HLS ladder", "the MP4 fallback"). */
  label: string;
  /** A file, or a stream fluent-ffmpeg pipes to stdin (the caller destroys it afterwards). */
  input: string | Readable;
  inputOptions?: string[];
  complexFilter?: string;
  outputOptions: string[];
  output: string;
  /** No progress (output time, frames or bytes) for this long → SIGKILL + SLUICE_ERR_MEDIA_TRANSCODE_STALLED. */
  stallSeconds: number;
  signal?: AbortSignal | undefined;
  /** Output time reached, in seconds. */
  onTime?(seconds: number): void;
  /**
   * Output time past which the run is stopped with SLUICE_ERR_MEDIA_TOO_LONG:
   * a container may claim a short duration and hold hours.
   */
  maxOutputSeconds?: number | undefined;
  /** Folders whose paths are cut from error messages (the input's and output's are always). */
  privateDirs?: string[];
  /** The ffmpeg process id, once spawned (tests use it to check the process is gone). */
  onSpawn?(pid: number): void;
}

const TAIL_LINES = 8;
/** stderr lines that say nothing about why ffmpeg failed. */
const NOISE = /frames left in the queue on closing|deprecated pixel format used|^Conversion failed!?$|^\s*$|Last message repeated/;

/** Runs ffmpeg; resolves on exit 0, rejects (after the process exited) otherwise. */
export async function runFfmpeg(o: FfmpegRunOptions): Promise<void> {
  await assertExecutable(o.ffmpegPath);
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(abortReason(o.signal));
      return;
    }
    const tail: string[] = [];
    let stopReason: Error | undefined;
    let spawned = false;
    let last: ProgressReport | undefined;
    let lastChange = Date.now();

    const tooLong = (): SluiceError => new SluiceError('SLUICE_ERR_MEDIA_TOO_LONG',
      `The video runs longer than its container said: past ${o.maxOutputSeconds ?? 0} s, more than is accepted. ffmpeg was stopped while writing ${o.label}.`);
    const parser = new ProgressParser((r) => {
      if (!last || r.outTime > last.outTime || r.frame > last.frame || r.totalSize > last.totalSize) lastChange = Date.now();
      last = r;
      if (o.maxOutputSeconds !== undefined && r.outTime > o.maxOutputSeconds) stop(tooLong());
      o.onTime?.(r.outTime);
    });
    // Through setpriv --pdeathsig: ffmpeg dies with this process, however it dies (child-lifetime.ts).
    const command = ffmpeg({ stdoutLines: 50 }).setFfmpegPath(diesWithParent(o.ffmpegPath)).input(o.input);
    // Global options; `-progress pipe:2` puts key=value reports on stderr, which fluent-ffmpeg streams line by line.
    command.inputOptions('-hide_banner', '-nostdin', '-loglevel', 'warning', '-nostats', '-progress', 'pipe:2', ...(o.inputOptions ?? []));
    if (o.complexFilter) command.complexFilter(o.complexFilter);
    // Spread (≥ 2 arguments) so fluent-ffmpeg does not split values that contain a space.
    command.outputOptions(...o.outputOptions, '-y').output(o.output);

    const stop = (reason: Error): void => {
      if (stopReason) return;
      stopReason = reason;
      if (spawned) command.kill('SIGKILL');
    };
    const onAbort = (): void => stop(abortReason(o.signal));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const watchdog = setInterval(() => {
      if (spawned && Date.now() - lastChange > o.stallSeconds * 1000) {
        stop(new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_STALLED',
          `ffmpeg made no progress for ${o.stallSeconds} s while writing ${o.label} (at ${(last?.outTime ?? 0).toFixed(1)} s) and was stopped.`));
      }
    }, Math.min(1000, Math.max(100, o.stallSeconds * 250)));
    const finish = (): void => {
      clearInterval(watchdog);
      o.signal?.removeEventListener('abort', onAbort);
    };

    command.on('start', () => {
      spawned = true;
      lastChange = Date.now();
      const pid = (command as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid;
      if (pid !== undefined) o.onSpawn?.(pid);
      if (stopReason) command.kill('SIGKILL');
    });
    command.on('stderr', (line: string) => {
      if (parser.line(line) || NOISE.test(line)) return;
      tail.push(line.trim());
      if (tail.length > TAIL_LINES) tail.shift();
    });
    command.on('error', (err: Error) => {
      finish();
      if (stopReason) {
        reject(stopReason);
        return;
      }
      const said = redactPaths(tail.length ? tail.slice(-4).join(' | ') : err.message, [
        ...(o.privateDirs ?? []), typeof o.input === 'string' ? dirname(o.input.replace(/^file:/, '')) : undefined, dirname(o.output),
      ]);
      reject(new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', `ffmpeg failed while writing ${o.label}: ${said}`, { cause: Object.assign(err, { stderr: tail.join('\n') }) }));
    });
    command.on('end', () => {
      finish();
      // The last report can arrive with the exit: a run that ended past the limit still fails.
      if (!stopReason && o.maxOutputSeconds !== undefined && (last?.outTime ?? 0) > o.maxOutputSeconds) stopReason = tooLong();
      // An abort that raced the normal exit still wins: the caller asked to stop.
      if (stopReason) reject(stopReason);
      else resolve();
    });
    command.run();
  });
}

/** The abort reason when it is an Error, else a DOMException named AbortError. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('Processing was aborted.', 'AbortError');
}

const executable = new Map<string, Promise<boolean>>();

/**
 * fluent-ffmpeg 2.1.3 throws an uncaught TypeError when spawn itself fails
 * (ENOENT/EACCES: its end callback reads stderr buffers that were never
 * made), which would crash the server; so the binary is checked first.
 */
async function assertExecutable(bin: string): Promise<void> {
  let found = executable.get(bin);
  if (!found) {
    const candidates = bin.includes('/') ? [bin] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, bin));
    found = (async () => {
      for (const c of candidates) {
        if (await access(c, constants.X_OK).then(() => true, () => false)) return true;
      }
      return false;
    })();
    executable.set(bin, found);
  }
  if (!(await found)) {
    executable.delete(bin);
    throw new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', `ffmpeg was not found or is not executable at "${bin}" (set FFMPEG_PATH).`);
  }
}
