#!/usr/bin/env node
// Generates the test clips with ffmpeg (lavfi testsrc2 + sine) into a
// git-ignored cache. Idempotent: a clip is made only when missing, and the
// whole cache is rebuilt when RECIPE_VERSION changes.
// Usage: node scripts/fixtures.mjs   → prints the cache folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RECIPE_VERSION = '2';
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', '.cache');
const ffmpeg = process.env.FFMPEG_PATH || 'ffmpeg';

const av = (w, h, seconds, rate = 30) => [
  '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${rate}:duration=${seconds}`,
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
  '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-shortest',
];

/** name → how to make it (args to ffmpeg, or a function writing the file) */
const RECIPES = {
  'clip-720p-10s.mp4': av(1280, 720, 10),
  'clip-1080p-30s.mp4': av(1920, 1080, 30),
  'tiny-2s.mp4': av(320, 240, 2),
  'odd-853x479.mp4': [
    '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=25:duration=4,scale=853:479',
    '-f', 'lavfi', '-i', 'sine=frequency=330:duration=4',
    // libx264 with yuv444p accepts odd sizes; the server must round them.
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-shortest',
  ],
  'no-audio.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  'audio-only.m4a': ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-c:a', 'aac'],
  // ffmpeg 5.1 writes rotation metadata only when stream-copying.
  'portrait-rotated.mp4': (out, tmp) => {
    const land = `${tmp}.land.mp4`;
    run([...av(1280, 720, 4), '-y', land]);
    run(['-i', land, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-y', out]);
    rmSync(land);
  },
  // moov atom at the end (no faststart) and the tail cut off: ffprobe cannot open it.
  'truncated.mp4': (out, tmp) => {
    const full = `${tmp}.full.mp4`;
    run([...av(640, 360, 4), '-y', full]);
    const size = statSync(full).size;
    const buf = Buffer.alloc(Math.floor(size / 2));
    const fd = openSync(full, 'r'); readSync(fd, buf, 0, buf.length, 0); closeSync(fd);
    writeFileSync(out, buf);
    rmSync(full);
  },
  'text.mp4': (out) => writeFileSync(out, 'This is a text file, not a video.\n'.repeat(40)),
  'empty.mp4': (out) => writeFileSync(out, ''),
};

function run(args) {
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Makes every missing fixture; returns the folder that holds them. */
export function ensureFixtures() {
  const stamp = join(FIXTURES_DIR, 'VERSION');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') !== RECIPE_VERSION) rmSync(FIXTURES_DIR, { recursive: true, force: true });
  mkdirSync(FIXTURES_DIR, { recursive: true });
  for (const [name, recipe] of Object.entries(RECIPES)) {
    const out = join(FIXTURES_DIR, name);
    if (existsSync(out)) continue;
    const tmp = join(FIXTURES_DIR, `.tmp-${name}`);
    if (typeof recipe === 'function') recipe(tmp, tmp);
    else run([...recipe, '-f', name.endsWith('.m4a') ? 'ipod' : 'mp4', '-y', tmp]);
    renameSync(tmp, out); // only complete files get the real name
  }
  writeFileSync(stamp, RECIPE_VERSION);
  return FIXTURES_DIR;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureFixtures());
