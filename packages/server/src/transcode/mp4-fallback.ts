/**
 * The progressive MP4 fallback (≤ 720p): a stream copy of one finished HLS
 * rendition (init + segments) into a faststart MP4. Remuxing costs a few
 * percent of an encode (docs/processing.md) and the picture is the one the
 * HLS viewers get.
 */
import { rename, rm } from 'node:fs/promises';
import { runFfmpeg } from './ffmpeg-run.js';
import { tempPath } from './fs-atomic.js';
import { inputPolicy } from './input-policy.js';
import type { Rendition } from './ladder.js';
import { concatStream, renditionFiles } from './rendition-stream.js';

export interface StepOptions {
  ffmpegPath: string;
  stallSeconds: number;
  signal?: AbortSignal | undefined;
  onTime?(seconds: number): void;
}

/** The rung the MP4 fallback and poster use: the biggest whose short side is ≤ 720. */
export function fallbackRendition(renditions: Rendition[]): Rendition {
  const fits = renditions.filter((r) => Math.min(r.width, r.height) <= 720);
  const pick = fits.sort((a, b) => b.width * b.height - a.width * a.height)[0] ?? renditions[renditions.length - 1];
  if (!pick) throw new Error('The ladder is empty.');
  return pick;
}

/** Writes `outFile` (temp + rename) from rendition `name` under `hlsDir`. */
export async function writeMp4Fallback(hlsDir: string, name: string, outFile: string, o: StepOptions): Promise<void> {
  const input = concatStream(await renditionFiles(hlsDir, name));
  const tmp = tempPath(outFile);
  try {
    await runFfmpeg({
      ...o,
      label: 'the MP4 fallback',
      input,
      // Our own fMP4 rendition on stdin: nothing but the pipe, read as MP4.
      inputOptions: inputPolicy('pipe', 'mp4'),
      // "+faststart": moov before mdat, so a browser can start playing before the whole file arrives.
      outputOptions: ['-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4'],
      output: tmp,
    });
    await rename(tmp, outFile);
  } finally {
    input.destroy();
    await rm(tmp, { force: true });
  }
}
