/**
 * ffprobe → the facts the ladder and the ffmpeg job need, or a typed
 * SLUICE_ERR_MEDIA_* error that says what was found instead of a video.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { SluiceError } from '../errors.js';
import { allowedDemuxer, fileUrl, inputPolicy, refusedDemuxer } from './input-policy.js';

export interface ProbeResult {
  /**
   * Seconds of content: from the earliest stream start to the latest stream
   * end. Not the container's duration, which for MP4 and Matroska is the
   * END time and so counts a non-zero start time as content.
   */
  duration: number;
  /** ffmpeg's demuxer for the file (on the input allow-list); later runs are pinned to it with `-f`. */
  format: string;
  /** DISPLAY size: rotation and sample aspect ratio applied. */
  width: number;
  height: number;
  /** The stored picture size, before rotation and sample aspect ratio: what decoding costs. */
  codedWidth: number;
  codedHeight: number;
  /** Clockwise degrees the player must rotate the coded picture: 0, 90, 180 or 270. */
  rotation: number;
  hasAudio: boolean;
  videoCodec: string;
  frameRate: number;
  /** Absolute index of the chosen video stream (for `-map 0:<index>`). */
  videoStreamIndex: number;
  /** Every subtitle stream, text or bitmap, in file order (captions are extracted from the text ones). */
  subtitles: SubtitleStream[];
  /**
   * Seconds from the file's start to the chosen video stream's first frame.
   * The fMP4 renditions start that frame at 0, so times read from the
   * original (embedded subtitles) are shifted back by this much.
   */
  videoStartOffset?: number;
}

export interface SubtitleStream {
  /** Absolute stream index (for `-map 0:<index>`). */
  index: number;
  /** ffmpeg's codec name: mov_text, subrip, ass, ssa, webvtt, text…; hdmv_pgs_subtitle, dvd_subtitle… are bitmaps. */
  codec: string;
  /** The `language` tag (ISO 639-2 in MKV and MP4), if any. */
  language?: string;
  /** The `title` tag, if any. */
  title?: string;
  /** The default disposition. */
  isDefault: boolean;
}

const PROBE_TIMEOUT_MS = 60_000;
/** Demuxers that mean "a picture or a terminal dump", not a video. */
const STILL_FORMAT = /(^|,)(image2|tty|bin|[a-z0-9]+_pipe)(,|$)/;

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  start_time?: string;
  duration?: string;
  disposition?: { attached_pic?: number; default?: number };
  tags?: { rotate?: string; language?: string; title?: string };
  side_data_list?: Array<{ rotation?: number }>;
}
interface RawProbe {
  streams?: RawStream[];
  format?: { duration?: string; start_time?: string; format_name?: string };
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
  const args = ['-v', 'error', ...inputPolicy('file'), '-of', 'json', '-show_format', '-show_streams', fileUrl(file)];
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 << 20, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (signal?.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : err ?? new Error('aborted'));
        return;
      }
      const refused = err ? refusedDemuxer(stderr) : undefined;
      if (refused) {
        reject(refusedError(refused, err));
        return;
      }
      // ffprobe names the file in its reason; the user should not see server paths.
      const reason = stderr.split('\n')
        .map((l) => l.split(fileUrl(file)).join('').split(file).join('').replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '').replace(/^:\s*/, '').trim())
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

/** A demuxer off the allow-list: a picture or text dump is "no video"; a playlist or script is refused outright. */
function refusedError(demuxer: string, cause: unknown): SluiceError {
  if (STILL_FORMAT.test(demuxer)) {
    return new SluiceError('SLUICE_ERR_MEDIA_NO_VIDEO', `The file has no decodable video stream: found a still picture or text (${demuxer}).`, { cause });
  }
  return new SluiceError('SLUICE_ERR_MEDIA_FORMAT_NOT_ALLOWED',
    `The file is in a format Sluice does not read (ffmpeg's "${demuxer}" demuxer): a playlist, script or reference to other files is not a video. Upload the video file itself (MP4, MOV, MKV, WebM, AVI, MPEG-TS, …).`, { cause });
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
  const format = allowedDemuxer(formatName);
  if (!format) throw refusedError(formatName, raw);
  return {
    duration: contentDuration(raw, streams.filter((s) => s === video || s.codec_type === 'audio')),
    format,
    width: swap ? h : w,
    height: swap ? w : h,
    codedWidth: video.width ?? 0,
    codedHeight: video.height ?? 0,
    rotation,
    hasAudio,
    videoCodec: video.codec_name ?? 'unknown',
    frameRate: ratio(video.avg_frame_rate) || ratio(video.r_frame_rate) || 30,
    videoStreamIndex: video.index ?? 0,
    videoStartOffset: Math.max(0, (Number(video.start_time) || 0) - (Number(raw.format?.start_time) || 0)),
    subtitles: streams.filter((s) => s.codec_type === 'subtitle' && typeof s.index === 'number').map((s) => ({
      index: s.index!, codec: s.codec_name ?? 'unknown',
      ...(s.tags?.language ? { language: s.tags.language } : {}), ...(s.tags?.title ? { title: s.tags.title } : {}),
      isDefault: s.disposition?.default === 1,
    })),
  };
}

/**
 * The longer of two readings, each blind where the other sees: the streams'
 * earliest start to latest end (ffmpeg shifts the earliest start to 0), and
 * the container's duration minus its start time (MP4 and Matroska report
 * the END time as their duration; Matroska has no stream durations). Where
 * the container reports a length instead (MPEG-TS), the streams have
 * durations and win.
 */
function contentDuration(raw: RawProbe, used: RawStream[]): number {
  let start = Infinity;
  let end = -Infinity;
  for (const s of used) {
    const st = Number(s.start_time);
    const d = Number(s.duration);
    if (s.start_time === undefined || s.duration === undefined || !Number.isFinite(st) || !Number.isFinite(d)) continue;
    start = Math.min(start, st);
    end = Math.max(end, st + d);
  }
  const fromStreams = end > start ? end - start : 0;
  const total = Number(raw.format?.duration);
  const formatStart = Number(raw.format?.start_time);
  const fromFormat = Number.isFinite(total) && total > 0 ? total - (Number.isFinite(formatStart) && formatStart > 0 ? formatStart : 0) : 0;
  return Math.max(fromStreams, fromFormat, 0);
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
