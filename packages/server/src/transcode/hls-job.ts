/**
 * The heart of processing: ONE ffmpeg process that decodes the source once,
 * splits the picture to every rung of the ladder and writes all renditions
 * as fMP4 HLS (FINDINGS.md: 1.48× faster than one process per rendition).
 * Playlists are published while it runs (see hls-publish.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from './ffmpeg-run.js';
import { HlsPublisher } from './hls-publish.js';
import { fileUrl, inputPolicy } from './input-policy.js';
import { MAXRATE_FACTOR, type Rendition } from './ladder.js';
import type { ProbeResult } from './probe.js';
import { MASTER_NAME, playlistName } from '../storage/media-keys.js';

export interface HlsJobOptions {
  input: string;
  /** Served folder: master.m3u8, <name>.m3u8, <name>/init.mp4 + seg_NNNNN.m4s. */
  hlsDir: string;
  /** Private folder for ffmpeg's own playlists and init files. */
  workDir: string;
  probe: ProbeResult;
  renditions: Rendition[];
  segmentSeconds: number;
  encoder: string;
  ffmpegPath: string;
  stallSeconds: number;
  /** Longest accepted duration: ffmpeg reads at most a little more, and fails past it. */
  maxSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Output time reached, in seconds. */
  onTime?(seconds: number): void;
  /** Once: master.m3u8 is written and every media playlist lists ≥ 1 segment. */
  onPlayable?(): void;
  onSpawn?(pid: number): void;
}

/** Seconds ffmpeg may go past maxSeconds (timestamps are not exact) before the run fails. */
const OVERRUN_SECONDS = 1;
/** ffmpeg reads this much more than the overrun, so a longer input surely crosses it (its reported output time lags the input by a few frames). */
const READ_AHEAD_SECONDS = 3;

/** Keyframe every 2 s whatever the segment length, so 2 s and 4 s segments both cut exactly. */
export const KEYFRAME_SECONDS = 2;

/** The filter graph and output options of the one-decode ladder run. */
export function hlsArgs(o: HlsJobOptions): { complexFilter: string; outputOptions: string[]; output: string } {
  const { renditions: rs, probe: p } = o;
  const src = `[0:${p.videoStreamIndex}]`;
  // Scale to the planned display size (ffmpeg has already applied rotation), square pixels, 4:2:0 for every player.
  const scaled = rs.map((r, i) => `${rs.length > 1 ? `[s${i}]` : src}scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`);
  const split = rs.length > 1 ? [`${src}split=${rs.length}${rs.map((_, i) => `[s${i}]`).join('')}`] : [];
  const out: string[] = [];
  rs.forEach((_, i) => out.push('-map', `[v${i}]`));
  if (p.hasAudio) rs.forEach(() => out.push('-map', '0:a:0'));
  out.push('-c:v', o.encoder);
  if (o.encoder === 'libx264') out.push('-preset', 'veryfast', '-profile:v', 'high');
  rs.forEach((r, i) => out.push(
    `-b:v:${i}`, String(r.videoBitrate),
    `-maxrate:v:${i}`, String(Math.round(r.videoBitrate * MAXRATE_FACTOR)),
    `-bufsize:v:${i}`, String(r.videoBitrate * 2),
  ));
  out.push('-force_key_frames', `expr:gte(t,n_forced*${KEYFRAME_SECONDS})`, '-sc_threshold', '0');
  if (p.hasAudio) {
    out.push('-c:a', 'aac', '-ac', '2', '-ar', '48000');
    rs.forEach((r, i) => out.push(`-b:a:${i}`, String(r.audioBitrate)));
  }
  const streamMap = rs.map((r, i) => `v:${i}${p.hasAudio ? `,a:${i}` : ''},name:${r.name}`).join(' ');
  out.push(
    '-max_muxing_queue_size', '4096',
    '-f', 'hls',
    '-hls_time', String(o.segmentSeconds),
    // The first segment is one keyframe interval long whatever hls_time is, so
    // the video is playable sooner with 4 s segments too (bench: ttp).
    '-hls_init_time', String(Math.min(KEYFRAME_SECONDS, o.segmentSeconds)),
    '-hls_list_size', '0',
    '-hls_playlist_type', 'event',
    '-hls_segment_type', 'fmp4',
    '-hls_flags', 'independent_segments+temp_file',
    // ffmpeg 5.1 names init files init_<N>.mp4 by variant position whatever this says (FINDINGS.md).
    '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(o.hlsDir, '%v', 'seg_%05d.m4s'),
    '-master_pl_name', MASTER_NAME, // ffmpeg's own master stays in workDir; we write ours
    '-var_stream_map', streamMap,
  );
  return { complexFilter: [...split, ...scaled].join(';'), outputOptions: out, output: join(o.workDir, playlistName('%v')) };
}

/** Runs the ladder; resolves when every playlist is complete (ENDLIST) and published. */
export async function runHlsJob(o: HlsJobOptions): Promise<void> {
  await mkdir(o.workDir, { recursive: true });
  await mkdir(o.hlsDir, { recursive: true });
  const publisher = new HlsPublisher({
    workDir: o.workDir, hlsDir: o.hlsDir, renditions: o.renditions, frameRate: o.probe.frameRate,
    ...(o.onPlayable ? { onPlayable: o.onPlayable } : {}),
  });
  await publisher.start();
  try {
    await runFfmpeg({
      ffmpegPath: o.ffmpegPath,
      label: 'the HLS ladder',
      input: fileUrl(o.input),
      // Only the upload itself, read by the demuxer ffprobe found; never more than the limit (+ margin) of it.
      inputOptions: [
        ...inputPolicy('file', o.probe.format),
        ...(o.maxSeconds !== undefined ? ['-t', String(o.maxSeconds + OVERRUN_SECONDS + READ_AHEAD_SECONDS)] : []),
      ],
      maxOutputSeconds: o.maxSeconds !== undefined ? o.maxSeconds + OVERRUN_SECONDS : undefined,
      privateDirs: [o.hlsDir, o.workDir],
      ...hlsArgs(o),
      stallSeconds: o.stallSeconds,
      signal: o.signal,
      ...(o.onTime ? { onTime: o.onTime } : {}),
      ...(o.onSpawn ? { onSpawn: o.onSpawn } : {}),
    });
  } catch (err) {
    await publisher.stop();
    throw err;
  }
  await publisher.finish();
}
