import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { INPUT_DEMUXERS, allowedDemuxer, inputPolicy, refusedDemuxer } from '../../src/transcode/input-policy.js';
import { processVideo } from '../../src/transcode/pipeline.js';
import { FFMPEG, FFPROBE, fixture, tempDir } from './helpers.js';

const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * A stand-in for FFMPEG_PATH / FFPROBE_PATH that records its arguments
 * (NUL-separated, one file per run) and then runs the real binary.
 */
function recorder(name: string, real: string): { bin: string; runs(): string[][] } {
  const dir = join(work, `${name}-runs`);
  const bin = join(work, name);
  writeFileSync(bin, `#!/bin/sh\nmkdir -p '${dir}'\nf=$(mktemp '${dir}/run.XXXXXX')\nprintf '%s\\0' "$@" > "$f"\nexec '${real}' "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    runs: () => readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').split('\0').slice(0, -1)),
  };
}

const NEVER = ['hls', 'concat', 'dash', 'sdp', 'rtp', 'rtsp', 'image2', 'image2pipe', 'tty', 'data', 'lavfi', 'http', 'tcp'];

describe('input policy', () => {
  it('allows media containers and nothing that opens other files, URLs or devices', () => {
    for (const bad of NEVER) assert.ok(!INPUT_DEMUXERS.includes(bad), bad);
    assert.deepEqual(inputPolicy('file'), ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_DEMUXERS.join(',')]);
    assert.deepEqual(inputPolicy('pipe', 'mp4'), ['-protocol_whitelist', 'pipe', '-format_whitelist', 'mp4', '-f', 'mp4']);
    assert.equal(allowedDemuxer('mov,mp4,m4a,3gp,3g2,mj2'), 'mov');
    assert.equal(allowedDemuxer('matroska,webm'), 'matroska');
    assert.equal(allowedDemuxer('hls'), undefined);
    assert.equal(allowedDemuxer('concat'), undefined);
    assert.equal(refusedDemuxer("[hls @ 0x55c68f1245c0] Format not on whitelist 'mov,mp4'\nx: Invalid argument"), 'hls');
    assert.equal(refusedDemuxer('x: Invalid data found when processing input'), undefined);
  });

  it('every ffprobe and ffmpeg run of the pipeline confines each input', async () => {
    const ffmpeg = recorder('ffmpeg', FFMPEG);
    const ffprobe = recorder('ffprobe', FFPROBE);
    await processVideo({
      input: fixture('tiny-2s.mp4'), outDir: join(work, 'out'), segmentSeconds: 2, encoder: 'libx264',
      ffmpegPath: ffmpeg.bin, ffprobePath: ffprobe.bin, stallSeconds: 60,
    });
    const probes = ffprobe.runs();
    assert.equal(probes.length, 1);
    for (const args of probes) assertConfined(args, args.length - 1, 'file');
    const encodes = ffmpeg.runs().filter((a) => a.includes('-i'));
    assert.equal(encodes.length, 4, 'HLS ladder, MP4 fallback, poster, storyboard');
    for (const args of encodes) {
      args.forEach((a, i) => {
        if (a === '-i') assertConfined(args, i + 1, args[i + 1] === 'pipe:0' ? 'pipe' : 'file');
      });
    }
  });
});

/** The options between the previous input (or the start) and args[at] confine it to `protocol` and an allowed demuxer. */
function assertConfined(args: string[], at: number, protocol: string): void {
  const input = args[at] ?? '';
  const start = args.lastIndexOf('-i', at - 2) + 2;
  const opts = args.slice(start, at);
  const value = (name: string): string | undefined => { const i = opts.lastIndexOf(name); return i >= 0 ? opts[i + 1] : undefined; };
  assert.equal(value('-protocol_whitelist'), protocol, `${input}: ${opts.join(' ')}`);
  const formats = value('-format_whitelist')?.split(',') ?? [];
  assert.ok(formats.length > 0, `${input}: no -format_whitelist`);
  for (const f of formats) assert.ok(INPUT_DEMUXERS.includes(f), `${input}: ${f} allowed`);
  if (protocol === 'file') assert.match(input, /^file:\//, 'a file input is an explicit file: URL');
}
