/**
 * Helpers for the thumbnail tests: a clip whose every second looks
 * different, pictures decoded to raw RGB by ffmpeg itself, their mean
 * absolute difference, and ffmpeg's own frame of the original at a time.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

export interface Rgb { width: number; height: number; data: Buffer }

/**
 * A 10 s 1280x720 clip without audio: testsrc2 (a frame counter, moving
 * shapes) with its hue turning 36° a second, so frames a second apart differ
 * over the whole picture, not only where the counter is.
 */
export function makeHueClip(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-thumb-clip-')), 'hue-10s.mp4');
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=10,hue=h=t*36',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '30', '-y', file]);
  return file;
}

/** An image file's size and pixels, as ffmpeg decodes it. */
export function decodeImage(bytes: Buffer): Rgb {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-thumb-img-'));
  const file = join(dir, 'in.img');
  writeFileSync(file, bytes);
  const size = execFileSync(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
  const [width, height] = size.split(',').map(Number) as [number, number];
  const data = execFileSync(FFMPEG, ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  return { width, height, data };
}

/** ffmpeg's own frame of `file` at `seconds` (accurate seek), scaled to `width` keeping the aspect, as the thumbnails are. */
export function referenceFrame(file: string, seconds: number, width: number): Rgb {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-thumb-ref-'));
  const png = join(dir, 'ref.png');
  execFileSync(FFMPEG, ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:-2`, '-y', png]);
  return decodeImage(readFileSync(png));
}

/** Mean absolute difference per channel sample (0–255) of two same-sized pictures. */
export function meanAbsDiff(a: Rgb, b: Rgb): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 1) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

export interface GatedFfmpeg {
  /** FFMPEG_PATH for the server. */
  path: string;
  /** Thumbnail runs started so far (transcodes are not counted nor held). */
  starts(): number;
  open(): void;
  close(): void;
}

/**
 * The real ffmpeg behind a gate, for what cannot be caused on time
 * otherwise (a run still going when the next request arrives): a thumbnail
 * run (its output is under thumbnails-work/) is counted, then waits until
 * the gate is open. Transcodes pass straight through.
 */
export function gatedFfmpeg(): GatedFfmpeg {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-thumb-gate-'));
  const [log, gate, path] = [join(dir, 'starts.log'), join(dir, 'open'), join(dir, 'ffmpeg')];
  writeFileSync(log, '');
  writeFileSync(path, `#!/bin/sh
case "$*" in *thumbnails-work*)
  echo x >> '${log}'
  while [ ! -e '${gate}' ]; do sleep 0.05; done;;
esac
exec '${execFileSync('sh', ['-c', `command -v ${FFMPEG}`], { encoding: 'utf8' }).trim()}' "$@"
`);
  chmodSync(path, 0o755);
  return {
    path,
    starts: () => readFileSync(log, 'utf8').length / 2,
    open: () => writeFileSync(gate, ''),
    close: () => rmSync(gate, { force: true }),
  };
}
