import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processVideo, type ProcessOptions, type ProcessResult } from '../../src/transcode/pipeline.js';
import {
  FFMPEG, FFPROBE, alive, ffprobeStreams, fixture, parseMaster, parseMediaPlaylist, tempDir, topLevelBoxes,
} from './helpers.js';

const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  result: ProcessResult;
  outDir: string;
  progress: number[];
  /** What was on disk when onPlayable fired. */
  atPlayable: { master: boolean; listed: Record<string, number>; missing: string[] } | undefined;
  resolved: boolean;
}

async function run(name: string, extra: Partial<ProcessOptions> = {}): Promise<Run> {
  const outDir = join(work, name.replace(/\W/g, '_'), 'media', 'vid');
  const r: Partial<Run> & { progress: number[]; resolved: boolean } = { outDir, progress: [], resolved: false };
  const p = processVideo({
    input: fixture(name), outDir, segmentSeconds: 2, encoder: 'libx264',
    ffmpegPath: FFMPEG, ffprobePath: FFPROBE, stallSeconds: 60,
    onProgress: (f) => r.progress.push(f),
    onPlayable: () => {
      assert.equal(r.resolved, false, 'onPlayable before processVideo resolved');
      r.atPlayable = snapshot(join(outDir, 'hls'));
    },
    ...extra,
  });
  r.result = await p;
  r.resolved = true;
  return r as Run;
}

/** Synchronous look at the served folder: does the master exist, how many segments each playlist lists, and which listed files are missing. */
function snapshot(hls: string): NonNullable<Run['atPlayable']> {
  const master = existsSync(join(hls, 'master.m3u8'));
  const listed: Record<string, number> = {};
  const missing: string[] = [];
  if (master) {
    for (const v of parseMaster(readFileSync(join(hls, 'master.m3u8'), 'utf8'))) {
      const pl = parseMediaPlaylist(readFileSync(join(hls, v.uri), 'utf8'));
      listed[v.uri] = pl.segments.length;
      for (const uri of [pl.map ?? 'no-map', ...pl.segments.map((s) => s.uri)]) if (!existsSync(join(hls, uri))) missing.push(uri);
    }
  }
  return { master, listed, missing };
}

/** Checks every rendition of a finished run; returns the media playlists by name. */
function checkHls(r: Run, segmentSeconds: number, audio: boolean): void {
  const hls = join(r.outDir, 'hls');
  const variants = parseMaster(readFileSync(join(hls, 'master.m3u8'), 'utf8'));
  assert.deepEqual(variants.map((v) => v.uri), r.result.renditions.map((x) => `${x.name}.m3u8`));
  for (const [i, v] of variants.entries()) {
    const rend = r.result.renditions[i];
    assert.ok(rend);
    assert.equal(v.attrs.RESOLUTION, `${rend.width}x${rend.height}`);
    assert.equal(Number(v.attrs.BANDWIDTH), rend.bandwidth);
    assert.match(v.attrs.CODECS ?? '', audio ? /^avc1\.[0-9a-f]{6},mp4a\.40\.2$/ : /^avc1\.[0-9a-f]{6}$/);
    assert.equal(r.result.files.playlists[rend.name], `hls/${rend.name}.m3u8`);

    const text = readFileSync(join(hls, v.uri), 'utf8');
    const pl = parseMediaPlaylist(text);
    assert.ok(pl.endlist, `${v.uri} has #EXT-X-ENDLIST`);
    assert.ok(pl.tags.includes('#EXT-X-START:TIME-OFFSET=0'), `${v.uri} has #EXT-X-START`);
    assert.ok(pl.tags.includes('#EXT-X-INDEPENDENT-SEGMENTS'));
    assert.equal(pl.map, `${rend.name}/init.mp4`);
    assert.ok(pl.segments.length >= 1);
    const total = pl.segments.reduce((s, x) => s + x.duration, 0);
    assert.ok(Math.abs(total - r.result.probe.duration) < 0.1, `${v.uri} covers the duration (${total})`);
    for (const [k, seg] of pl.segments.entries()) {
      assert.match(seg.uri, new RegExp(`^${rend.name}/seg_\\d{5}\\.m4s$`));
      const last = k === pl.segments.length - 1;
      // The first segment is one keyframe interval (2 s) long, the rest segmentSeconds.
      const expected = k === 0 ? Math.min(2, segmentSeconds) : segmentSeconds;
      if (!last) assert.ok(Math.abs(seg.duration - expected) < 0.01, `${seg.uri} lasts ${seg.duration}`);
      else assert.ok(seg.duration > 0 && seg.duration <= segmentSeconds + 0.01);
      // Every segment decodes on its own behind the init segment.
      const joined = join(r.outDir, `check-${rend.name}-${k}.mp4`);
      writeFileSync(joined, Buffer.concat([readFileSync(join(hls, pl.map)), readFileSync(join(hls, seg.uri))]));
      const { streams, errors } = ffprobeStreams(joined, true);
      rmSync(joined);
      assert.equal(errors, '', `${seg.uri} decodes cleanly`);
      const video = streams.find((s) => s.codec_type === 'video');
      assert.equal(video?.codec_name, 'h264');
      assert.equal(`${video?.width}x${video?.height}`, `${rend.width}x${rend.height}`);
      if (!last) assert.equal(Number(video?.nb_read_frames), Math.round(expected * r.result.probe.frameRate));
      assert.equal(streams.some((s) => s.codec_type === 'audio'), audio, `${seg.uri} audio`);
    }
  }
}

function checkPlayable(r: Run): void {
  assert.ok(r.atPlayable, 'onPlayable fired');
  assert.equal(r.atPlayable.master, true, 'master existed at onPlayable');
  assert.deepEqual(Object.keys(r.atPlayable.listed), r.result.renditions.map((x) => `${x.name}.m3u8`));
  for (const n of Object.values(r.atPlayable.listed)) assert.ok(n >= 1, 'each variant listed a segment');
  assert.deepEqual(r.atPlayable.missing, [], 'every listed file existed');
}

function checkProgress(r: Run): void {
  assert.ok(r.progress.length >= 2, `progress reported (${r.progress.join(', ')})`);
  for (let i = 1; i < r.progress.length; i += 1) assert.ok((r.progress[i] ?? 0) > (r.progress[i - 1] ?? 0), 'monotonic');
  assert.ok(r.progress.every((f) => f >= 0 && f <= 1));
  assert.equal(r.progress.at(-1), 1);
  assert.equal(r.progress.filter((f) => f === 1).length, 1);
}

describe('processVideo on clip-720p-10s (2 s segments)', () => {
  let r: Run;
  before(async () => { r = await run('clip-720p-10s.mp4'); });

  it('plans 720p/480p/360p and reports libx264', () => {
    assert.deepEqual(r.result.renditions.map((x) => x.name), ['720p', '480p', '360p']);
    assert.equal(r.result.encoder, 'libx264');
    assert.equal(r.result.files.master, 'hls/master.m3u8');
  });
  it('writes a master with CODECS/RESOLUTION/BANDWIDTH and complete 2 s fMP4 renditions that decode', () => checkHls(r, 2, true));
  it('fires onPlayable before resolving, with the master and a listed segment per variant on disk', () => checkPlayable(r));
  it('reports monotonic progress ending at 1', () => checkProgress(r));
  it('leaves only the published layout (no work folder, no temp files)', () => {
    assert.equal(existsSync(join(r.outDir, '.work')), false);
    const files = (readdirSync(r.outDir, { recursive: true }) as string[]).filter((f) => !f.startsWith('check-')).sort();
    assert.deepEqual(files.filter((f) => !/^hls\/\d+p\/seg_\d{5}\.m4s$/.test(f)), [
      'hls', 'hls/360p', 'hls/360p.m3u8', 'hls/360p/init.mp4', 'hls/480p', 'hls/480p.m3u8', 'hls/480p/init.mp4',
      'hls/720p', 'hls/720p.m3u8', 'hls/720p/init.mp4', 'hls/master.m3u8',
      'poster.jpg', 'storyboard.jpg', 'storyboard.vtt', 'video.mp4',
    ]);
  });
  it('writes a faststart MP4 fallback (≤ 720p, H.264 + AAC) that plays', () => {
    const mp4 = join(r.outDir, r.result.files.mp4);
    const boxes = topLevelBoxes(mp4);
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `moov before mdat: ${boxes.join(',')}`);
    const { streams, errors } = ffprobeStreams(mp4, true);
    assert.equal(errors, '');
    const v = streams.find((s) => s.codec_type === 'video');
    assert.equal(`${v?.codec_name} ${v?.width}x${v?.height}`, 'h264 1280x720');
    assert.equal(Number(v?.nb_read_frames), 300);
    assert.equal(streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
  });
  it('writes a JPEG poster at the fallback size', () => {
    const poster = join(r.outDir, r.result.files.poster);
    assert.equal(readFileSync(poster).subarray(0, 3).toString('hex'), 'ffd8ff');
    const [s] = ffprobeStreams(poster).streams;
    assert.equal(`${s?.codec_name} ${s?.width}x${s?.height}`, 'mjpeg 1280x720');
  });
  it('writes a storyboard whose cues cover the duration and point inside the sprite', () => {
    const [img] = ffprobeStreams(join(r.outDir, r.result.files.storyboardImage)).streams;
    assert.equal(img?.codec_name, 'mjpeg');
    const vtt = readFileSync(join(r.outDir, r.result.files.storyboardVtt), 'utf8');
    assert.ok(vtt.startsWith('WEBVTT\n'));
    const cues = [...vtt.matchAll(/^(\S+) --> (\S+)\n(.+)$/gm)];
    assert.ok(cues.length >= 5, `${cues.length} cues`);
    const secs = (t: string): number => t.split(':').reduce((acc, x) => acc * 60 + Number(x), 0);
    let cursor = 0;
    for (const [, start = '', end = '', payload = ''] of cues) {
      assert.equal(secs(start), cursor, 'cues are contiguous from 0');
      assert.ok(secs(end) > secs(start));
      cursor = secs(end);
      const m = /^storyboard\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
      assert.ok(m, payload);
      const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
      assert.equal(w, 160);
      assert.ok(x + w <= (img?.width ?? 0) && y + h <= (img?.height ?? 0), `${payload} inside ${img?.width}x${img?.height}`);
    }
    assert.ok(Math.abs(cursor - r.result.probe.duration) < 0.05, `cues end at ${cursor}`);
  });
});

describe('processVideo on other shapes', () => {
  it('portrait-rotated (4 s segments) → portrait renditions, poster and MP4', async () => {
    const r = await run('portrait-rotated.mp4', { segmentSeconds: 4 });
    assert.deepEqual(r.result.renditions.map((x) => `${x.name}=${x.width}x${x.height}`), ['720p=720x1280', '480p=480x854', '360p=360x640']);
    checkHls(r, 4, true);
    checkPlayable(r);
    const [poster] = ffprobeStreams(join(r.outDir, 'poster.jpg')).streams;
    assert.equal(`${poster?.width}x${poster?.height}`, '720x1280');
    const mp4 = ffprobeStreams(join(r.outDir, 'video.mp4')).streams.find((s) => s.codec_type === 'video');
    assert.equal(`${mp4?.width}x${mp4?.height}`, '720x1280');
  });

  it('no-audio → video-only renditions and MP4; a previous run\'s files are removed first', async () => {
    const outDir = join(work, 'no_audio_mp4', 'media', 'vid');
    mkdirSync(join(outDir, 'hls', '1080p'), { recursive: true });
    writeFileSync(join(outDir, 'hls', '1080p.m3u8'), '#EXTM3U\n');
    writeFileSync(join(outDir, 'stale.txt'), 'old');
    const r = await run('no-audio.mp4');
    assert.equal(r.result.probe.hasAudio, false);
    checkHls(r, 2, false);
    checkProgress(r);
    assert.equal(ffprobeStreams(join(r.outDir, 'video.mp4')).streams.some((s) => s.codec_type === 'audio'), false);
    assert.equal(existsSync(join(outDir, 'stale.txt')), false);
    assert.equal(existsSync(join(outDir, 'hls', '1080p.m3u8')), false);
  });

  it('falls back to libx264 when the configured hardware encoder fails (h264_nvenc without a GPU)', async () => {
    const r = await run('tiny-2s.mp4', { encoder: 'h264_nvenc' });
    assert.equal(r.result.encoder, 'libx264');
    assert.deepEqual(r.result.renditions.map((x) => `${x.name}=${x.width}x${x.height}`), ['240p=320x240']);
    checkHls(r, 2, true);
    checkPlayable(r);
  });

  it('odd-853x479 → even renditions', async () => {
    const r = await run('odd-853x479.mp4');
    for (const x of r.result.renditions) assert.equal(x.width % 2 + x.height % 2, 0);
    checkHls(r, 2, true);
  });
});

describe('processVideo abort', () => {
  it('kills ffmpeg promptly and rejects with the abort reason', async () => {
    const ac = new AbortController();
    const pids: number[] = [];
    const reason = new Error('stop now');
    const outDir = join(work, 'abort', 'media', 'vid');
    const p = processVideo({
      input: fixture('clip-720p-10s.mp4'), outDir, segmentSeconds: 2, encoder: 'libx264',
      ffmpegPath: FFMPEG, ffprobePath: FFPROBE, stallSeconds: 60, signal: ac.signal,
      onSpawn: (pid) => pids.push(pid),
      onProgress: () => ac.abort(reason),
    });
    await assert.rejects(p, (err) => err === reason);
    assert.equal(pids.length, 1, 'one ffmpeg was started');
    assert.equal(alive(pids[0] ?? 0), false, 'ffmpeg is gone when processVideo rejects');
    assert.equal(existsSync(join(outDir, 'video.mp4')), false);
  });
});
