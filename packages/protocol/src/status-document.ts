/**
 * The video status document: `GET /api/videos/:id`, and the data of every
 * `status` event on `GET /api/videos/:id/events` (docs/api.md). The server
 * builds it; `<video-stream-player>`, `<chunked-uploader>` and the demo read it.
 */
import type { ErrorInfo } from './error-body.js';

/**
 * Where a video is in its life: `uploading` (bytes still arriving) →
 * `queued` → `processing` → `ready`; or `failed` (see `error`).
 */
export type VideoState = 'uploading' | 'queued' | 'processing' | 'ready' | 'failed';

/** One rung of the HLS ladder, as listed in the master playlist. */
export interface Rendition {
  /** `1080p`, `720p`, `480p`, `360p`. */
  name: string;
  /** Pixels, after rotation. */
  width: number;
  height: number;
  /** Peak bits per second (the master playlist's BANDWIDTH). */
  bandwidth: number;
}

/** One text track of a video (docs/captions.md). */
export interface CaptionTrack {
  /** The track id (16 lowercase hex digits), stable until the track is deleted. */
  id: string;
  /** BCP 47 language tag, canonicalised (`en`, `pt-BR`; `und` when unknown). */
  lang: string;
  /** What a menu shows; defaults to the language's English name. */
  label: string;
  kind: 'subtitles' | 'captions';
  /** The track a player selects by default; at most one track of a video has it. */
  default: boolean;
  /** Closed captions (transcribes dialogue and describes music and sound) for deaf and hard-of-hearing viewers. */
  closedCaptions: boolean;
  /** `upload`: added over the API or CLI (kept by reprocessing); `embedded`: extracted from the original (replaced by reprocessing). */
  source: 'upload' | 'embedded';
  /** Signed URL of the whole track as one WebVTT file (text/vtt, UTF-8), usable as `<track src>`; expires at `expiresAt`. */
  url: string;
}

export interface StatusDocument {
  /** The video id (also the tus upload id). */
  id: string;
  status: VideoState;
  /** Processing progress 0–1 (1 once `ready`). */
  progress: number;
  /**
   * The master playlist and first segments exist: a player may start, even
   * while `processing` (the playlists are still growing).
   */
  playable: boolean;
  /** Why processing failed; present only when `status` is `failed`. */
  error?: ErrorInfo;
  /** The upload's `title` metadata, else its file name without extension. */
  title: string;
  /** Seconds, once probed. */
  duration?: number;
  /** Source pixels after rotation, once probed. */
  width?: number;
  height?: number;
  /** The ladder, highest first; empty until planned. */
  renditions: Rendition[];
  /** Master playlist URL carrying a playback token; present once `playable`. */
  hls?: string;
  /** Signed URL of the faststart MP4 fallback; present once `ready`. */
  mp4?: string;
  /** Signed URL of the poster JPEG; present once `ready`. */
  poster?: string;
  /** URL of the storyboard WebVTT thumbnails track; present once `ready`. */
  storyboard?: string;
  /** Text tracks in the order they were added (`[]` when none), each with a signed WebVTT URL expiring at `expiresAt` (or a media TTL from now before `ready`). */
  captions: CaptionTrack[];
  /** ISO 8601 time the signed `mp4`, `poster` and caption URLs stop working; present once `ready`. */
  expiresAt?: string;
  /**
   * URL of a JPEG thumbnail carrying a playback token; present once
   * `playable`. Append `&time=<seconds>&width=<pixels>` for another frame
   * or size, or replace `.jpg` with `.webp` (docs/api.md#thumbnails).
   */
  thumbnail?: string;
}

/**
 * True when `value` looks like a status document (an object with a string
 * `id` and a known `status`): enough for a client to trust the rest.
 */
export function isStatusDocument(value: unknown): value is StatusDocument {
  if (typeof value !== 'object' || value === null) return false;
  const { id, status } = value as { id?: unknown; status?: unknown };
  return typeof id === 'string' && typeof status === 'string'
    && ['uploading', 'queued', 'processing', 'ready', 'failed'].includes(status);
}
