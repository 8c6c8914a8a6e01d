/**
 * One decode vs one ffmpeg per rendition (`pnpm bench ladder [--seconds 60]`).
 *
 * The same 1080p source is encoded to the full ladder (1080p/720p/480p/360p
 * + AAC, 4 s fMP4 HLS, libx264 veryfast) twice: by Sluice's hls-job (ONE
 * ffmpeg: decode once, split, scale, encode every rung) and, as the
 * reference, by the same hls-job run once per rendition, one after another,
 * with identical per-rung settings. Prints both wall times, the speed-up and
 * the one-decode run's realtime factor. Not a pass/fail test.
 *
 * Source: the 30 s 1080p fixture, or with `--seconds N` a fresh N-second
 * 1080p clip generated the same way into a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHlsJob } from '../packages/server/src/transcode/hls-job.js';
import { planLadder, type Rendition } from '../packages/server/src/transcode/ladder.js';
import { probe, type ProbeResult } from '../packages/server/src/transcode/probe.js';

const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const ffprobePath = process.env.FFPROBE_PATH ?? 'ffprobe';
const root = fileURLToPath(new URL('..', import.meta.url));
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0;

/** CPU seconds (user + sys) of this process's finished children: load on the machine does not change it. */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": field 3 is state, so cutime (16) and cstime (17) sit at indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const work = mkdtempSync(join(tmpdir(), 'sluice-bench-ladder-'));
try {
  let source: string;
  if (seconds > 0) {
    source = join(work, `clip-1080p-${seconds}s.mp4`);
    execFileSync(ffmpegPath, [
      '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-shortest', '-y', source,
    ]);
  } else {
    const fixtures = execFileSync(process.execPath, [join(root, 'scripts', 'fixtures.mjs')], { encoding: 'utf8' }).trim();
    source = join(fixtures, 'clip-1080p-30s.mp4');
  }
  const p = await probe(source, { ffprobePath });
  const ladder = planLadder(p);
  console.log(`source: ${source} (${p.width}x${p.height}, ${p.duration.toFixed(1)} s, ${p.hasAudio ? 'with' : 'no'} audio; ${seconds > 0 ? 'generated' : 'fixture'})`);
  console.log(`ladder: ${ladder.map((r) => `${r.name} ${r.width}x${r.height} @ ${r.videoBitrate / 1000}k`).join(', ')}; libx264 veryfast, 4 s fMP4 segments`);

  const encode = async (name: string, rungs: Rendition[], pr: ProbeResult): Promise<void> => {
    const dir = join(work, name);
    await runHlsJob({
      input: source, hlsDir: join(dir, 'hls'), workDir: join(dir, '.work'), probe: pr, renditions: rungs,
      segmentSeconds: 4, encoder: 'libx264', ffmpegPath, stallSeconds: 120,
    });
    rmSync(dir, { recursive: true, force: true });
  };

  // Reference first: one ffmpeg per rendition, one after another.
  let t = performance.now();
  let cpu = childCpuSeconds();
  for (const r of ladder) await encode(`ref-${r.name}`, [r], p);
  const perRendition = (performance.now() - t) / 1000;
  const perRenditionCpu = childCpuSeconds() - cpu;
  console.log(`one ffmpeg per rendition (${ladder.length} runs, sequential): ${perRendition.toFixed(2)} s wall, ${perRenditionCpu.toFixed(1)} s CPU`);

  t = performance.now();
  cpu = childCpuSeconds();
  await encode('one-decode', ladder, p);
  const oneDecode = (performance.now() - t) / 1000;
  const oneDecodeCpu = childCpuSeconds() - cpu;
  console.log(`one decode, all renditions (hls-job):       ${oneDecode.toFixed(2)} s wall, ${oneDecodeCpu.toFixed(1)} s CPU`);

  console.log(`ratio speed-up one-decode vs per-rendition: ${(perRendition / oneDecode).toFixed(2)}x wall (aim >= 1.5x), ${(perRenditionCpu / oneDecodeCpu).toFixed(2)}x CPU`);
  console.log(`load average during the bench: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (2 cores: above 2 means other work shared the CPU)`);
  console.log(`ratio realtime factor of one-decode: ${(p.duration / oneDecode).toFixed(2)}x (source seconds per wall second)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
