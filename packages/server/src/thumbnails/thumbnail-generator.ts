/**
 * Draws one thumbnail with ffmpeg from a rendition's init segment and ONE
 * media segment, read through storage (local disk or a bucket) and fed on
 * stdin. Only keyframes are decoded (`-skip_frame nokey`); every keyframe
 * up to the cutoff overwrites the output (`-update 1`), so the file ends up
 * holding the keyframe at or before the asked time. ffmpeg runs through
 * runFfmpeg: the input allow-list, a watchdog, and death with the server.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SluiceError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import { mediaKey } from '../storage/media-keys.js';
import { runFfmpeg } from '../transcode/ffmpeg-run.js';
import { inputPolicy } from '../transcode/input-policy.js';
import { GenerationLimit } from './generation-limit.js';
import type { ThumbnailFormat } from './thumbnail-params.js';

export interface ThumbnailJob {
  videoId: string;
  /** Init segment and media segment, relative to the video's media folder (`hls/720p/init.mp4`). */
  init: string;
  segment: string;
  /** Seconds from the segment's start past which no frame is drawn. */
  cutoff: number;
  width: number;
  format: ThumbnailFormat;
}

export interface ThumbnailGeneratorOptions {
  ffmpegPath: string;
  storage: Pick<Storage, 'get'>;
  /** Scratch folder for ffmpeg's output. */
  workDir: string;
  /** ffmpeg runs at once (default 2) and requests allowed to wait for one (default 8). */
  maxRunning?: number;
  maxWaiting?: number;
  stallSeconds: number;
}

/** A thumbnail run is a few hundred milliseconds; past this it is stopped. */
const RUN_TIMEOUT_MS = 30_000;

const ENCODE: Record<ThumbnailFormat, string[]> = {
  // mjpeg -q:v 3: the poster's quality.
  jpg: ['-c:v', 'mjpeg', '-q:v', '3'],
  webp: ['-c:v', 'libwebp', '-quality', '80'],
};

async function readAll(storage: Pick<Storage, 'get'>, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.get(key)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export class ThumbnailGenerator {
  readonly #o: ThumbnailGeneratorOptions;
  readonly #limit: GenerationLimit;
  /** ffmpeg processes started, for /api/admin/jobs and tests. */
  runs = 0;

  constructor(o: ThumbnailGeneratorOptions) {
    this.#o = o;
    this.#limit = new GenerationLimit(o.maxRunning ?? 2, o.maxWaiting ?? 8);
  }

  get running(): number { return this.#limit.running; }
  get waiting(): number { return this.#limit.waiting; }

  /** The picture's bytes; the temp file behind the stream goes when the stream closes. */
  generate(job: ThumbnailJob): Promise<Readable> {
    return this.#limit.run(() => this.#draw(job));
  }

  async #draw(job: ThumbnailJob): Promise<Readable> {
    const { storage, workDir } = this.#o;
    // Read inside the slot: at most maxRunning segments are held in memory.
    const [init, segment] = await Promise.all([readAll(storage, mediaKey(job.videoId, job.init)), readAll(storage, mediaKey(job.videoId, job.segment))]);
    await mkdir(workDir, { recursive: true });
    const out = join(workDir, `${randomBytes(8).toString('hex')}.${job.format}`);
    const input = Readable.from([init, segment]);
    try {
      this.runs += 1;
      await runFfmpeg({
        ffmpegPath: this.#o.ffmpegPath,
        label: 'a thumbnail',
        input,
        inputOptions: ['-skip_frame', 'nokey', ...inputPolicy('pipe', 'mp4')],
        outputOptions: [
          '-map', '0:v:0', '-an', '-to', job.cutoff.toFixed(3),
          '-vf', `scale=${job.width}:-2,setsar=1`,
          // One output picture per decoded keyframe, none duplicated to fill a frame rate.
          '-fps_mode', 'passthrough',
          ...ENCODE[job.format], '-f', 'image2', '-update', '1',
        ],
        output: out,
        stallSeconds: this.#o.stallSeconds,
        signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
        privateDirs: [workDir],
      });
      if (!(await stat(out).catch(() => undefined))?.size) throw new Error('ffmpeg wrote no picture');
    } catch (err) {
      await rm(out, { force: true });
      throw new SluiceError('SLUICE_ERR_THUMBNAIL_FAILED', `ffmpeg could not draw the thumbnail: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      input.destroy();
    }
    const stream = createReadStream(out);
    stream.once('close', () => { void rm(out, { force: true }); });
    return stream;
  }
}
