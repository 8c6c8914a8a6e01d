/**
 * One file's upload, start to `ready`: a tus upload plus what tus-js-client
 * does not do by itself — exponential backoff with jitter, stall detection
 * (no byte and no answer for `stallTimeout` → abort the request and retry),
 * waiting while the browser is offline instead of failing, a token refresh
 * on 401, and following the server's processing status afterwards.
 */
import { clientError, type UploadErrorInfo } from './errors.js';
import { followStatus, statusUrl, type VideoStatus } from './processing.js';
import { ProgressMeter } from './progress-meter.js';
import { backoffDelay, classifyFailure } from './retry-policy.js';
import { StallWatchdog } from './stall-watchdog.js';
import { TokenGate, type TokenSource } from './token-gate.js';
import { createTusUpload, exposedHeader, type HttpRequest, type HttpResponse, type TusSettings, type Upload } from './tus-upload.js';
import type { ChunkedUploaderEventMap, UploadItem, UploadStatus } from './upload-item.js';

export interface TaskSettings extends TusSettings, TokenSource {
  /** ms without any progress or answer before a request counts as stalled. */
  stallTimeout: number;
  /** Failed attempts in a row (without new bytes accepted) before giving up. */
  maxRetries: number;
}

type Detail<K extends keyof ChunkedUploaderEventMap> = ChunkedUploaderEventMap[K]['detail'];

export interface TaskListener {
  /** Any visible change (status, bytes, error). */
  changed(task: UploadTask): void;
  emit<K extends keyof ChunkedUploaderEventMap>(type: K, detail: Detail<K>): void;
}

const ACTIVE: readonly UploadStatus[] = ['queued', 'uploading', 'retrying', 'offline'];
let counter = 0;

export class UploadTask implements UploadItem {
  readonly id = `u${++counter}`;
  status: UploadStatus = 'queued';
  bytesSent = 0;
  bytesAccepted = 0;
  bytesTotal: number;
  speed = 0;
  eta: number | null = null;
  videoId: string | null = null;
  uploadUrl: string | null = null;
  resumedFrom: number | null = null;
  processingProgress: number | null = null;
  video: VideoStatus | null = null;
  error: UploadErrorInfo | null = null;

  readonly #settings: TaskSettings;
  readonly #listener: TaskListener;
  readonly #meter = new ProgressMeter();
  readonly #watchdog = new StallWatchdog();
  readonly #tokens: TokenGate;
  #upload: Upload | null = null;
  #started = false;
  #resumed = false;
  #uploaded = false;
  #videoToken: string | undefined;
  #serverExpiresAt: number | undefined;
  #attempt = 0;
  #acceptedAtLastError = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopFollowing: (() => void) | undefined;
  #suspended: UploadStatus | null = null;
  #announced: string | null = null;

  constructor(readonly file: File, settings: TaskSettings, listener: TaskListener) {
    this.bytesTotal = file.size;
    this.#settings = settings;
    this.#listener = listener;
    this.#tokens = new TokenGate(settings);
  }

  /** Every byte is on the server (the upload completed); processing may still be running or have failed. */
  get uploaded(): boolean {
    return this.#uploaded;
  }

  /** Called by the element's queue when a slot is free and this file is `queued`. */
  async start(): Promise<void> {
    if (this.status !== 'queued') return;
    this.#set('uploading', null);
    if (!this.#upload) {
      const upload = createTusUpload(this.file, this.#settings, this.#hooks());
      this.#upload = upload;
      window.addEventListener('offline', this.#onOffline);
      window.addEventListener('online', this.#onOnline);
      const [previous] = await upload.findPreviousUploads().catch(() => []);
      if (previous) {
        upload.resumeFromPreviousUpload(previous);
        const extra = previous as { videoId?: string; videoToken?: string };
        this.#resumed = true;
        this.videoId = extra.videoId ?? null;
        this.#videoToken = extra.videoToken;
        this.uploadUrl = previous.uploadUrl;
      }
      if ((this.status as UploadStatus) !== 'uploading') return; // paused or cancelled meanwhile
    }
    if (!this.#started) {
      this.#started = true;
      this.#listener.emit('upload-start', { item: this, file: this.file, resumed: this.#resumed });
    }
    this.#run();
  }

  pause(): void {
    if (!ACTIVE.includes(this.status)) return;
    this.#halt();
    void this.#upload?.abort(false);
    this.speed = 0;
    this.eta = null;
    this.#set('paused', null);
  }

  resume(): void {
    if (this.status === 'paused') this.#set('queued', null);
  }

  retry(): void {
    if (this.status !== 'failed') return;
    this.#attempt = 0;
    if (!this.#uploaded) this.#set('queued', null);
    else if (this.error?.code === 'SLUICE_ERR_UPLOAD_STATUS_LOST') this.#follow();
  }

  /** Before the upload completed: stop and terminate it on the server. Afterwards: nothing to cancel. */
  async cancel(): Promise<void> {
    if (this.#uploaded || this.status === 'cancelled') return;
    this.#halt();
    this.#fail(clientError('SLUICE_ERR_UPLOAD_CANCELLED', false), 'cancelled');
    try {
      await this.#upload?.abort(true);
    } catch {
      // Server unreachable: the server expires the upload, and the stored entry expires here.
    }
  }

  /** The element left the page: stop network activity, remembering what to restart. */
  suspend(): void {
    if (ACTIVE.includes(this.status)) { this.#suspended = 'queued'; this.pause(); }
    else if (this.status === 'processing') { this.#suspended = 'processing'; this.#stopFollowing?.(); }
  }

  /** The element is back: undo suspend(). */
  wake(): void {
    const was = this.#suspended;
    this.#suspended = null;
    if (was === 'queued') this.resume();
    else if (was === 'processing') this.#follow();
  }

  /** Removes global listeners and stops everything, without terminating. */
  dispose(): void {
    this.#halt();
    this.#stopFollowing?.();
    if (ACTIVE.includes(this.status)) void this.#upload?.abort(false);
    if (typeof window !== 'undefined') {
      window.removeEventListener('offline', this.#onOffline);
      window.removeEventListener('online', this.#onOnline);
    }
  }

  #hooks() {
    return {
      beforeRequest: async (req: HttpRequest) => {
        this.#watchdog.touch();
        await this.#tokens.authorize(req);
      },
      afterResponse: (req: HttpRequest, res: HttpResponse) => this.#afterResponse(req, res),
      urlAvailable: () => { this.uploadUrl = this.#upload?.url ?? this.uploadUrl; },
      progress: (sent: number, total: number) => {
        this.#watchdog.touch();
        this.bytesTotal = total;
        this.bytesSent = Math.max(sent, this.bytesAccepted);
        ({ speed: this.speed, eta: this.eta } = this.#meter.update(this.bytesSent, total, performance.now()));
        this.#progressed();
      },
      chunkComplete: (accepted: number) => {
        this.bytesAccepted = accepted;
        this.bytesSent = Math.max(this.bytesSent, accepted);
        this.#tokens.progressed();
        this.#progressed();
      },
      success: () => this.#onSuccess(),
      error: (err: Error) => this.#onError(err),
      extras: () => ({ videoId: this.videoId ?? undefined, videoToken: this.#videoToken, serverExpiresAt: this.#serverExpiresAt }),
    };
  }

  #afterResponse(req: HttpRequest, res: HttpResponse): void {
    this.#watchdog.touch();
    if (req.getMethod() === 'POST' && res.getStatus() < 300) {
      // The creation response names the video and grants a playback token for it (DESIGN.md).
      this.videoId = exposedHeader(res, 'Sluice-Video-Id');
      this.#videoToken = exposedHeader(res, 'Sluice-Video-Token') ?? undefined;
      const expires = Date.parse(exposedHeader(res, 'Upload-Expires') ?? '');
      this.#serverExpiresAt = Number.isNaN(expires) ? undefined : expires;
    } else if (req.getMethod() === 'HEAD' && res.getStatus() < 300) {
      // tus 1.0: "The Server MUST always include the Upload-Offset header in the response for a HEAD request".
      const offset = Number.parseInt(res.getHeader('Upload-Offset') ?? '', 10);
      if (Number.isNaN(offset)) return;
      this.bytesAccepted = offset;
      this.bytesSent = offset;
      if (this.#resumed && this.resumedFrom === null) this.resumedFrom = offset;
      this.#meter.restart(offset, performance.now());
      this.#listener.changed(this);
    }
  }

  #run(): void {
    if (navigator.onLine === false) { this.#goOffline(); return; }
    this.#set('uploading', null);
    this.#meter.restart(this.bytesAccepted, performance.now());
    this.#halt();
    this.#watchdog.start(this.#settings.stallTimeout, () => {
      if (this.status !== 'uploading') return;
      void this.#upload?.abort(false);
      this.#retryLater(clientError('SLUICE_ERR_UPLOAD_STALLED', true));
    });
    this.#upload?.start();
  }

  #onSuccess(): void {
    this.#halt();
    this.#uploaded = true;
    this.bytesSent = this.bytesAccepted = this.bytesTotal;
    this.eta = 0;
    this.uploadUrl = this.#upload?.url ?? this.uploadUrl;
    // The upload URL ends in `<videoId>.<capability>`; the header is preferred when present.
    this.videoId ??= this.uploadUrl ? decodeURIComponent(new URL(this.uploadUrl).pathname.split('/').pop() ?? '').split('.')[0] ?? null : null;
    this.#set('processing', null);
    this.#listener.emit('upload-success', { item: this, file: this.file, videoId: this.videoId ?? '' });
    this.#follow();
  }

  #follow(): void {
    if (!this.uploadUrl || !this.videoId) return;
    const videoId = this.videoId;
    this.#set('processing', null);
    this.#stopFollowing = followStatus(statusUrl(this.uploadUrl, videoId), this.#videoToken, {
      onStatus: (video) => {
        this.video = video;
        this.processingProgress = video.progress ?? this.processingProgress;
        if (video.status === 'ready') {
          this.processingProgress = 1;
          this.#set('ready', null);
          this.#listener.emit('video-ready', { item: this, videoId, video });
        } else if (video.status === 'failed') {
          this.#fail(video.error ? { ...video.error, retriable: false } : clientError('SLUICE_ERR_UPLOAD_FAILED', false, 'Processing failed.'));
        } else {
          this.#listener.changed(this);
          this.#listener.emit('processing-progress', { item: this, videoId, status: video.status, progress: video.progress ?? 0, video });
        }
      },
      onLost: (error) => this.#fail(error),
    });
  }

  #onError(err: Error): void {
    if (this.status !== 'uploading') return; // our own abort (pause, offline, stall, cancel)
    const tokenError = this.#tokens.takeError();
    if (tokenError) { this.#retryLater(tokenError); return; }
    const failure = classifyFailure(err);
    if (failure.status === 401 && this.#tokens.refreshAfter401()) {
      this.#run();
    } else if (failure.info.code === 'SLUICE_ERR_UPLOAD_NETWORK' && navigator.onLine === false) {
      this.#goOffline();
    } else if (failure.info.retriable) {
      this.#retryLater(failure.info);
    } else {
      this.#fail(failure.info);
    }
  }

  #retryLater(info: UploadErrorInfo): void {
    this.#halt();
    // Attempts count failures in a row: any byte accepted since the last one starts over.
    if (this.bytesAccepted > this.#acceptedAtLastError) this.#attempt = 0;
    this.#acceptedAtLastError = this.bytesAccepted;
    if (this.#attempt >= this.#settings.maxRetries) { this.#fail({ ...info, retriable: false }); return; }
    const delay = backoffDelay(this.#attempt++);
    this.#set('retrying', { ...info, retriable: true });
    this.#retryTimer = setTimeout(() => { if (this.status === 'retrying') this.#run(); }, delay);
  }

  readonly #onOffline = (): void => {
    if (this.status === 'uploading' || this.status === 'retrying') this.#goOffline();
  };

  readonly #onOnline = (): void => {
    if (this.status === 'offline') { this.#attempt = 0; this.#run(); }
  };

  #goOffline(): void {
    this.#halt();
    void this.#upload?.abort(false);
    this.speed = 0;
    this.#set('offline', clientError('SLUICE_ERR_UPLOAD_OFFLINE', true));
  }

  #fail(error: UploadErrorInfo, status: UploadStatus = 'failed'): void {
    this.#halt();
    this.speed = 0;
    this.#set(status, error);
  }

  /**
   * Sets status and error. An error is announced as `upload-error` when it is
   * final, or when it differs from the last one announced since bytes last
   * moved (a server down for a minute is one event, not one per retry).
   */
  #set(status: UploadStatus, error: UploadErrorInfo | null): void {
    this.status = status;
    this.error = error;
    const announce = error !== null && (!error.retriable || error.code !== this.#announced);
    if (error) this.#announced = error.code;
    this.#listener.changed(this);
    if (announce) this.#listener.emit('upload-error', { ...error, item: this, file: this.file });
  }

  #progressed(): void {
    if (this.bytesAccepted > this.#acceptedAtLastError) this.#announced = null;
    this.#listener.changed(this);
    this.#listener.emit('upload-progress', {
      item: this, file: this.file, bytesSent: this.bytesSent, bytesAccepted: this.bytesAccepted,
      bytesTotal: this.bytesTotal, speed: this.speed, eta: this.eta,
    });
  }

  #halt(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#watchdog.stop();
  }
}
