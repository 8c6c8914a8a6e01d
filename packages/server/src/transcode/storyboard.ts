/**
 * The storyboard: a JPEG sprite of ~160 px thumbnails every `interval`
 * seconds in a grid, and a WebVTT track whose cues point into it
 * (`storyboard.jpg#xywh=x,y,w,h`, the media fragment players read).
 * Drawn from the smallest rendition: decoding 360p costs little.
 */
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { runFfmpeg } from './ffmpeg-run.js';
import { tempPath, writeFileAtomic } from './fs-atomic.js';
import { inputPolicy } from './input-policy.js';
import type { Rendition } from './ladder.js';
import type { StepOptions } from './mp4-fallback.js';
import { concatStream, renditionFiles } from './rendition-stream.js';

export interface StoryboardPlan {
  interval: number;
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

const TILE_WIDTH = 160;
const MAX_TILES = 100;
const MAX_COLUMNS = 10;

/** How many thumbnails, how far apart, and the grid they sit in. */
export function planStoryboard(duration: number, width: number, height: number): StoryboardPlan {
  // Past 1 s, an even interval lands on the renditions' keyframes (every 2 s), so only keyframes need decoding.
  const interval = duration <= MAX_TILES ? 1 : 2 * Math.ceil(duration / (2 * MAX_TILES));
  const count = Math.max(1, Math.ceil(duration / interval));
  const columns = Math.min(MAX_COLUMNS, count);
  const tileHeight = Math.max(2, Math.round((TILE_WIDTH * height) / width / 2) * 2);
  return { interval, count, columns, rows: Math.ceil(count / columns), tileWidth: TILE_WIDTH, tileHeight };
}

/** The WebVTT track: one cue per thumbnail, the last ending at `duration`. */
export function storyboardVtt(plan: StoryboardPlan, duration: number, image: string): string {
  const cues: string[] = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i += 1) {
    const start = i * plan.interval;
    const end = i === plan.count - 1 ? Math.max(duration, start + 0.001) : (i + 1) * plan.interval;
    const x = (i % plan.columns) * plan.tileWidth;
    const y = Math.floor(i / plan.columns) * plan.tileHeight;
    cues.push(`${timestamp(start)} --> ${timestamp(end)}`, `${image}#xywh=${x},${y},${plan.tileWidth},${plan.tileHeight}`, '');
  }
  return cues.join('\n');
}

/** Writes the sprite and the VTT (each temp + rename) from rendition `source`. */
export async function writeStoryboard(hlsDir: string, source: Rendition, duration: number, imageFile: string, vttFile: string, o: StepOptions): Promise<StoryboardPlan> {
  const plan = planStoryboard(duration, source.width, source.height);
  const input = concatStream(await renditionFiles(hlsDir, source.name));
  const tmp = tempPath(imageFile);
  try {
    await runFfmpeg({
      ...o,
      label: 'the storyboard',
      input,
      inputOptions: [...(plan.interval % 2 === 0 ? ['-skip_frame', 'nokey'] : []), ...inputPolicy('pipe', 'mp4')],
      outputOptions: [
        '-map', '0:v:0', '-an',
        '-vf', `fps=1/${plan.interval},scale=${plan.tileWidth}:${plan.tileHeight},setsar=1,tile=${plan.columns}x${plan.rows}`,
        '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2', '-update', '1',
      ],
      output: tmp,
    });
    await rename(tmp, imageFile);
  } finally {
    input.destroy();
    await rm(tmp, { force: true });
  }
  await writeFileAtomic(vttFile, storyboardVtt(plan, duration, basename(imageFile)));
  return plan;
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
