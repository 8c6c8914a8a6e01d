// extractTextSubtitles on a generated MKV, with ffmpeg recorded: every run
// is confined by the input allow-list (pinned demuxer, file: protocol), and a
// stream ffmpeg cannot convert is skipped with a log line, not thrown.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTextSubtitles } from '../../src/transcode/extract-subtitles.js';
import { probe } from '../../src/transcode/probe.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';
const dir = mkdtempSync(join(tmpdir(), 'sluice-captions-extract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('each extraction run is confined; a broken stream is skipped and logged; the others come out', async () => {
  writeFileSync(join(dir, 'a.srt'), '1\n00:00:00,100 --> 00:00:00,900\nOne\n');
  const file = join(dir, 'in.mkv');
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-i', join(dir, 'a.srt'),
    '-map', '0:v', '-map', '1:s', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:s', 'srt', file]);
  const runs = join(dir, 'runs');
  const bin = join(dir, 'ffmpeg-recorder');
  writeFileSync(bin, `#!/bin/sh\nmkdir -p '${runs}'\nf=$(mktemp '${runs}/run.XXXXXX')\nprintf '%s\\0' "$@" > "$f"\nexec '${FFMPEG}' "$@"\n`);
  chmodSync(bin, 0o755);

  const p = await probe(file, { ffprobePath: FFPROBE });
  assert.deepEqual(p.subtitles.map((s) => s.codec), ['subrip']);
  // A "text" stream that is really the video: ffmpeg cannot make WebVTT of it.
  const broken = { index: p.videoStreamIndex, codec: 'subrip', isDefault: false };
  const bitmap = { index: 9, codec: 'hdmv_pgs_subtitle', isDefault: false };
  const logged: string[] = [];
  const log = { info: (_o: unknown, m: string) => { logged.push(m); }, warn: (_o: unknown, m: string) => { logged.push(m); } };
  const out = await extractTextSubtitles({ input: file, probe: { ...p, subtitles: [broken, bitmap, ...p.subtitles] }, ffmpegPath: bin, log: log as never });
  assert.deepEqual(out.map((o) => o.stream.codec), ['subrip']);
  assert.match(out[0]!.bytes.toString('utf8'), /^WEBVTT\n\n00:00(?::00)?\.100 --> 00:00(?::00)?\.900\nOne/);
  assert.ok(logged.some((m) => /could not be extracted/.test(m)), 'the broken stream is logged');
  assert.ok(logged.some((m) => /bitmap/.test(m)), 'the bitmap stream is logged');
  const recorded = readdirSync(runs).map((f) => readFileSync(join(runs, f), 'utf8').split('\0').slice(0, -1));
  assert.equal(recorded.length, 2, 'no ffmpeg run for the bitmap stream');
  for (const args of recorded) {
    const at = args.indexOf('-i');
    assert.deepEqual(args.slice(at - 6, at), ['-protocol_whitelist', 'file', '-format_whitelist', 'matroska', '-f', 'matroska']);
    assert.equal(args[at + 1], `file:${file}`);
  }
});
