// Clips whose timestamps do not start at 0 (cameras, broadcast captures,
// cuts made with -ss and stream copy). MP4 and Matroska report the END time
// as their duration, so a 2 s clip starting at 300 s used to be probed as
// 302 s long: a wrong duration in the status document, a storyboard of
// thumbnails past the end, a poster time past the end, and a false TOO_LONG
// under any limit below 302 s.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { processVideo } from '../../src/transcode/pipeline.js';
import { probe } from '../../src/transcode/probe.js';
import { limitsFor } from '../../src/transcode/work-limits.js';
import { FFMPEG, FFPROBE, fixture, parseMediaPlaylist, tempDir } from './helpers.js';

const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));

/** tiny-2s.mp4 (2 s) with its timestamps moved `offset` seconds on, as `name`. */
function offsetClip(name: string, offset: number, format: string[] = []): string {
  const out = join(work, name);
  execFileSync(FFMPEG, ['-v', 'error', '-y', '-i', fixture('tiny-2s.mp4'), '-c', 'copy', '-output_ts_offset', String(offset), ...format, out]);
  return out;
}

const startOf = (file: string, entry: string): number =>
  Number(execFileSync(FFPROBE, ['-v', 'error', '-show_entries', entry, '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim().split('\n')[0]);

describe('a clip with a non-zero start time', () => {
  it('is probed as long as its content, in every container', async () => {
    for (const [name, offset, format] of [
      ['offset.mp4', 10, []], ['offset-300.mp4', 300, []], ['offset.mkv', 10, []], ['offset.ts', 10, ['-f', 'mpegts']],
    ] as const) {
      const clip = offsetClip(name, offset, [...format]);
      assert.ok(startOf(clip, 'format=start_time') >= offset - 0.1, `${name} starts at ${offset}`);
      const p = await probe(clip, { ffprobePath: FFPROBE });
      assert.ok(Math.abs(p.duration - 2) < 0.1, `${name}: duration ${p.duration}`);
    }
  });

  it('processes under a limit shorter than its start time, and every output plays from 0', async () => {
    const outDir = join(work, 'out');
    const r = await processVideo({
      input: offsetClip('late.mp4', 300), outDir, segmentSeconds: 2, encoder: 'libx264',
      ffmpegPath: FFMPEG, ffprobePath: FFPROBE, stallSeconds: 60,
      limits: limitsFor({ maxDurationSeconds: 60, maxPixelRate: 1e9 }, null),
    });
    assert.ok(Math.abs(r.probe.duration - 2) < 0.1);
    const rendition = r.renditions[0]!.name;
    const playlist = parseMediaPlaylist(readFileSync(join(outDir, 'hls', `${rendition}.m3u8`), 'utf8'));
    const total = playlist.segments.reduce((s, x) => s + x.duration, 0);
    assert.ok(Math.abs(total - 2) < 0.2, `HLS holds ${total} s`);
    // The first segment's decode time (tfdt) is 0: HLS starts at 0, not at 300.
    const firstSegment = join(outDir, 'hls', playlist.segments[0]!.uri);
    const tfdtAt = readFileSync(firstSegment).indexOf('tfdt');
    assert.ok(tfdtAt > 0);
    const seg = readFileSync(firstSegment);
    const tfdt = seg[tfdtAt + 4] === 1 ? Number(seg.readBigUInt64BE(tfdtAt + 8)) : seg.readUInt32BE(tfdtAt + 8);
    assert.ok(tfdt < 2 * 90000 / 30, `first segment decode time ${tfdt}`);
    const mp4 = join(outDir, 'video.mp4');
    assert.ok(startOf(mp4, 'format=start_time') < 0.1, 'MP4 fallback starts at 0');
    assert.ok(Math.abs(startOf(mp4, 'format=duration') - 2) < 0.2, 'MP4 fallback is 2 s');
    assert.ok(readFileSync(join(outDir, 'poster.jpg')).length > 500, 'a poster was drawn');
    const vtt = readFileSync(join(outDir, 'storyboard.vtt'), 'utf8');
    const ends = [...vtt.matchAll(/--> (\d\d):(\d\d):(\d\d\.\d+)/g)].map((m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
    assert.ok(ends.length >= 2 && ends.length <= 3, `one thumbnail per second of content, not of 302 s: ${ends.length}`);
    assert.ok(Math.abs(ends.at(-1)! - 2) < 0.1, `the storyboard ends at ${ends.at(-1)}`);
  });
});
