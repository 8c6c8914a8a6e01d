/**
 * The public shape of one file in `<chunked-uploader>`'s queue, and the
 * details of the events the element fires for it.
 */
import type { UploadErrorInfo } from './errors.js';
import type { StatusDocument } from '@sluice/protocol';

/**
 * Where a file is in its life:
 * `queued` → `uploading` (⇄ `paused`, `retrying`, `offline`) → `processing`
 * → `ready`; or `failed` (given up; `retry()` may restart it) or `cancelled`.
 */
export type UploadStatus =
  | 'queued' | 'uploading' | 'paused' | 'retrying' | 'offline'
  | 'processing' | 'ready' | 'failed' | 'cancelled';

/** A caption file sent with a video (`captions` attribute). */
export interface CaptionItem {
  readonly file: File;
  /** The BCP 47 language sent with it: from the file name (`film.en.srt`), `captions-lang`, the page's `lang`, or `und`. */
  readonly lang: string;
  /** `pending` until the server created the video, then `sending` → `sent`, or `failed` (see `error`). */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  /** Why the caption was refused (the server's SLUICE_ERR_CAPTIONS_* code, or the element's). */
  error: UploadErrorInfo | null;
}

/** One file in the queue. Read-only snapshot fields plus controls. */
export interface UploadItem {
  /** Local id, unique within the page (`u1`, `u2`, …); not the video id. */
  readonly id: string;
  readonly file: File;
  readonly status: UploadStatus;
  /** Bytes handed to the network, including those not yet confirmed. */
  readonly bytesSent: number;
  /** Bytes the server confirmed (tus `Upload-Offset`): what survives a failure. */
  readonly bytesAccepted: number;
  readonly bytesTotal: number;
  /** Smoothed upload speed in bytes per second (0 until measured). */
  readonly speed: number;
  /** Smoothed seconds left (null until a speed is known). */
  readonly eta: number | null;
  /** The Sluice video id, once the server created the upload. */
  readonly videoId: string | null;
  /** The tus upload URL, once known. */
  readonly uploadUrl: string | null;
  /** Every byte is on the server; the video id is the form value from then on. */
  readonly uploaded: boolean;
  /** Server offset this upload continued from when it resumed a stored upload (e.g. after a reload); null otherwise. */
  readonly resumedFrom: number | null;
  /** Processing progress 0–1 from the server's status, once processing. */
  readonly processingProgress: number | null;
  /** The last status document received from the server. */
  readonly video: VideoStatus | null;
  /** The current or last problem; cleared when the file moves on. */
  readonly error: UploadErrorInfo | null;
  /** Caption files sent with this video, once its upload is created. */
  readonly captions: readonly CaptionItem[];
  /** Stops sending (keeps the server's upload); `resume()` continues from its offset. */
  pause(): void;
  /** Queues a paused file again. */
  resume(): void;
  /** Queues a failed file again, from the server's offset. */
  retry(): void;
  /** Stops and terminates the upload on the server (tus DELETE). */
  cancel(): Promise<void>;
}

/** `upload-start` detail. */
export interface UploadStartDetail { item: UploadItem; file: File; /** A stored unfinished upload of the same file was found. */ resumed: boolean }
/** `upload-progress` detail. */
export interface UploadProgressDetail {
  item: UploadItem; file: File;
  bytesSent: number; bytesAccepted: number; bytesTotal: number; speed: number; eta: number | null;
}
/** `upload-success` detail. */
export interface UploadSuccessDetail { item: UploadItem; file: File; videoId: string }
/** `upload-error` detail. `item` is null for a file refused before it was queued (type, size). */
export interface UploadErrorDetail extends UploadErrorInfo { item: UploadItem | null; file: File }
/** `caption-error` detail: a caption file was refused (before sending: `item` null) — the video upload goes on. */
export interface CaptionErrorDetail { item: UploadItem | null; file: File; code: string; message: string }
/** `processing-progress` detail. */
export interface ProcessingProgressDetail { item: UploadItem; videoId: string; status: VideoStatus['status']; progress: number; video: VideoStatus }
/** `video-ready` detail. */
export interface VideoReadyDetail { item: UploadItem; videoId: string; video: VideoStatus }

/** The server's status document (one definition for every package: @sluice/protocol). */
export type VideoStatus = StatusDocument;

/** Event name → detail, for typed listeners. */
export interface ChunkedUploaderEventMap {
  'upload-start': CustomEvent<UploadStartDetail>;
  'upload-progress': CustomEvent<UploadProgressDetail>;
  'upload-success': CustomEvent<UploadSuccessDetail>;
  'upload-error': CustomEvent<UploadErrorDetail>;
  'processing-progress': CustomEvent<ProcessingProgressDetail>;
  'video-ready': CustomEvent<VideoReadyDetail>;
  'caption-error': CustomEvent<CaptionErrorDetail>;
}
