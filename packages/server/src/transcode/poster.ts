/** The poster: one JPEG frame from ~10 % into the source, at the MP4 fallback's size. */
import { rename, rm, stat } from 'node:fs/promises';
import { runFfmpeg } from './ffmpeg-run.js';
import { tempPath } from './fs-atomic.js';
import { fileUrl, inputPolicy } from './input-policy.js';
import type { Rendition } from './ladder.js';
import type { StepOptions } from './mp4-fallback.js';
import type { ProbeResult } from './probe.js';

/** Seconds into the video the poster frame comes from. */
export function posterTime(duration: number): number {
  return Math.round(duration * 0.1 * 1000) / 1000;
}

/** Writes `outFile` (temp + rename): a `size.width`×`size.height` JPEG. */
export async function writePoster(input: string, probe: ProbeResult, size: Rendition, outFile: string, o: StepOptions): Promise<void> {
  const tmp = tempPath(outFile);
  try {
    // A seek past the last decodable frame writes nothing: fall back to the first frame.
    for (const at of [posterTime(probe.duration), 0]) {
      await runFfmpeg({
        ...o,
        label: 'the poster',
        input: fileUrl(input),
        inputOptions: [...inputPolicy('file', probe.format), '-ss', String(at)],
        outputOptions: [
          '-map', `0:${probe.videoStreamIndex}`, '-frames:v', '1',
          '-vf', `scale=${size.width}:${size.height},setsar=1`,
          '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2', '-update', '1',
        ],
        output: tmp,
      });
      if ((await stat(tmp).catch(() => undefined))?.size) break;
    }
    await rename(tmp, outFile);
  } finally {
    await rm(tmp, { force: true });
  }
}
