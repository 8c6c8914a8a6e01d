/**
 * ffprobe → the facts the ladder and the ffmpeg job need, or a typed
 * SLUICE_ERR_MEDIA_* error that says what was found instead of a video.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { SluiceError } from '../errors.js';

export interface ProbeResult {
  /** Seconds (container duration, else the video stream's). */
  duration: number;
  /** DISPLAY size: rotation and sample aspect ratio applied. */
  width: number;
  height: number;
  /** Clockwise degrees the player must rotate the coded picture: 0, 90, 180 or 270. */
  rotation: number;
  hasAudio: boolean;
  videoCodec: string;
  frameRate: number;
  /** Absolute index of the chosen video stream (for `-map 0:<index>`). */
  videoStreamIndex: number;
}

const PROBE_TIMEOUT_MS = 60_000;
/** Demuxers that mean "a picture or a terminal dump", not a video. */
const STILL_FORMAT = /(^|,)(image2|tty|[a-z0-9]+_pipe)(,|$)/;

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}
interface RawProbe {
  streams?: RawStream[];
  format?: { duration?: string; format_name?: string };
}

/** Runs ffprobe on `file` and returns the facts of its first decodable video stream. */
export async function probe(file: string, opts: { ffprobePath: string; signal?: AbortSignal | undefined }): Promise<ProbeResult> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_MEDIA_UNREADABLE', 'The uploaded file cannot be opened.', { cause: err });
  }
  if (size === 0) throw new SluiceError('SLUICE_ERR_MEDIA_EMPTY');
  const raw = await runFfprobe(file, opts.ffprobePath, opts.signal);
  return interpret(raw);
}

function runFfprobe(file: string, ffprobePath: string, signal: AbortSignal | undefined): Promise<RawProbe> {
  const args = ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', file];
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 << 20, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : err ?? new Error('aborted'));
        return;
      }
      // ffprobe names the file in its reason; the user should not see server paths.
      const reason = stderr.split('\n')
        .map((l) => l.split(file).join('').replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '').replace(/^:\s*/, '').trim())
        .filter(Boolean).slice(-3).join('; ');
      if (err) {
        const why = err.killed ? `ffprobe gave up after ${PROBE_TIMEOUT_MS / 1000} s` : reason || err.message;
        reject(new SluiceError('SLUICE_ERR_MEDIA_UNREADABLE', `The file is not a readable media file: ${why}.`, { cause: Object.assign(err, { stderr }) }));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as RawProbe);
      } catch (parseErr) {
        reject(new SluiceError('SLUICE_ERR_MEDIA_UNREADABLE', 'ffprobe printed no readable report for the file.', { cause: parseErr }));
      }
    });
  });
}

function interpret(raw: RawProbe): ProbeResult {
  const streams = raw.streams ?? [];
  const formatName = raw.format?.format_name ?? 'unknown';
  const videos = streams.filter((s) => s.codec_type === 'video');
  const moving = videos.filter((s) => s.disposition?.attached_pic !== 1);
  const video = moving.find((s) => s.codec_name && s.codec_name !== 'none' && (s.width ?? 0) > 0 && (s.height ?? 0) > 0);
  const hasAudio = streams.some((s) => s.codec_type === 'audio' && !!s.codec_name && s.codec_name !== 'none');
  if (STILL_FORMAT.test(formatName)) {
    throw new SluiceError('SLUICE_ERR_MEDIA_NO_VIDEO', `The file has no decodable video stream: found a still picture or text (${formatName}).`, { cause: raw });
  }
  if (!video) {
    const found = videos.length > moving.length ? 'only a cover image'
      : moving.length > 0 ? `a video stream ffmpeg cannot decode (${moving[0]?.codec_name ?? 'unknown codec'})`
      : hasAudio ? 'audio only' : `no streams ffmpeg can use (${formatName})`;
    throw new SluiceError('SLUICE_ERR_MEDIA_NO_VIDEO', `The file has no decodable video stream: found ${found}.`, { cause: raw });
  }
  const rotation = readRotation(video);
  const sar = ratio(video.sample_aspect_ratio) || 1;
  // The sample aspect ratio stretches the coded width; rotation then swaps the axes.
  const w = Math.max(1, Math.round((video.width ?? 0) * sar));
  const h = video.height ?? 0;
  const swap = rotation === 90 || rotation === 270;
  const duration = Number(raw.format?.duration) || Number(video.duration) || 0;
  return {
    duration,
    width: swap ? h : w,
    height: swap ? w : h,
    rotation,
    hasAudio,
    videoCodec: video.codec_name ?? 'unknown',
    frameRate: ratio(video.avg_frame_rate) || ratio(video.r_frame_rate) || 30,
    videoStreamIndex: video.index ?? 0,
  };
}

/** ffprobe 5.1 reports the display matrix angle with the sign of the legacy `rotate` tag. */
function readRotation(s: RawStream): number {
  const fromMatrix = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const deg = fromMatrix ?? Number(s.tags?.rotate ?? 0);
  const norm = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return Number.isFinite(norm) ? norm : 0;
}

/** "30000/1001" → 29.97; "0/0", "N/A", "0:1" → 0. */
function ratio(text: string | undefined): number {
  if (!text) return 0;
  const [n, d] = text.split(/[/:]/).map(Number);
  if (!n || !d || !Number.isFinite(n / d)) return 0;
  return n / d;
}
