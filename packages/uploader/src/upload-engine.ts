/**
 * What moves one file's bytes, start to `ready` (the lazy chunk, with
 * tus-js-client): a tus upload plus what tus-js-client does not do by itself
 * — exponential backoff with jitter, stall detection (no byte and no answer
 * for `stallTimeout` → abort the request and retry), waiting while the
 * browser is offline instead of failing, a token refresh on 401, and
 * following the server's processing status afterwards. It writes its
 * progress into the UploadTask the page sees.
 */
import { sendCaption } from './caption-sender.js';
import { clientError, type UploadErrorInfo } from './errors.js';
import { followStatus, statusUrl } from './processing.js';
import { ProgressMeter } from './progress-meter.js';
import { backoffDelay, classifyFailure } from './retry-policy.js';
import { StallWatchdog } from './stall-watchdog.js';
import { TokenGate } from './token-gate.js';
import { createTusUpload, exposedHeader, type HttpRequest, type HttpResponse, type Upload } from './tus-upload.js';
import type { UploadTask } from './upload-task.js';
import type { UploadStatus } from './upload-item.js';

export class UploadEngine {
  readonly #task: UploadTask;
  readonly #meter = new ProgressMeter();
  readonly #watchdog = new StallWatchdog();
  readonly #tokens: TokenGate;
  #upload: Upload | null = null;
  #started = false;
  #resumed = false;
  #videoToken: string | undefined;
  #serverExpiresAt: number | undefined;
  #attempt = 0;
  #acceptedAtLastError = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopFollowing: (() => void) | undefined;

  constructor(task: UploadTask) {
    this.#task = task;
    this.#tokens = new TokenGate(task.settings);
  }

  /** The task is `uploading`: create (or find the stored) upload, then send. */
  async start(): Promise<void> {
    const task = this.#task;
    if (!this.#upload) {
      const upload = createTusUpload(task.file, task.settings, this.#hooks());
      this.#upload = upload;
      window.addEventListener('offline', this.#onOffline);
      window.addEventListener('online', this.#onOnline);
      const [previous] = await upload.findPreviousUploads().catch(() => []);
      if (previous) {
        upload.resumeFromPreviousUpload(previous);
        const extra = previous as { videoId?: string; videoToken?: string };
        this.#resumed = true;
        task.videoId = extra.videoId ?? null;
        this.#videoToken = extra.videoToken;
        task.uploadUrl = previous.uploadUrl;
        // Caption files chosen again with a resumed upload are sent (the page that started it may have sent them too).
        void this.#sendCaptions();
      }
      if ((task.status as UploadStatus) !== 'uploading') return; // paused or cancelled meanwhile
    }
    if (!this.#started) {
      this.#started = true;
      task.listener.emit('upload-start', { item: task, file: task.file, resumed: this.#resumed });
    }
    this.#run();
  }

  pause(): void {
    const task = this.#task;
    if (!task.active) return;
    this.#halt();
    void this.#upload?.abort(false);
    task.speed = 0;
    task.eta = null;
    task.set('paused', null);
  }

  retry(): void {
    const task = this.#task;
    if (task.status !== 'failed') return;
    this.#attempt = 0;
    if (!task.uploaded) task.set('queued', null);
    else if (task.error?.code === 'SLUICE_ERR_UPLOAD_STATUS_LOST') this.follow();
  }

  async cancel(): Promise<void> {
    this.#halt();
    this.#fail(clientError('SLUICE_ERR_UPLOAD_CANCELLED', false), 'cancelled');
    try {
      await this.#upload?.abort(true);
    } catch {
      // Server unreachable: the server expires the upload, and the stored entry expires here.
    }
  }

  /** Removes global listeners and stops everything, without terminating. */
  dispose(): void {
    this.#halt();
    this.unfollow();
    if (this.#task.active) void this.#upload?.abort(false);
    window.removeEventListener('offline', this.#onOffline);
    window.removeEventListener('online', this.#onOnline);
  }

  /** Follows the server's processing of the uploaded video (again, after unfollow() or a lost stream). */
  follow(): void {
    const task = this.#task;
    if (!task.uploadUrl || !task.videoId) return;
    const videoId = task.videoId;
    task.set('processing', null);
    this.#stopFollowing = followStatus(statusUrl(task.uploadUrl, videoId), this.#videoToken, {
      onStatus: (video) => {
        task.video = video;
        task.processingProgress = video.progress ?? task.processingProgress;
        if (video.status === 'ready') {
          task.processingProgress = 1;
          task.set('ready', null);
          task.listener.emit('video-ready', { item: task, videoId, video });
        } else if (video.status === 'failed') {
          this.#fail(video.error ? { ...video.error, retriable: false } : clientError('SLUICE_ERR_UPLOAD_FAILED', false, 'Processing failed.'));
        } else {
          task.listener.changed(task);
          task.listener.emit('processing-progress', { item: task, videoId, status: video.status, progress: video.progress ?? 0, video });
        }
      },
      onLost: (error) => this.#fail(error),
    });
  }

  unfollow(): void {
    this.#stopFollowing?.();
  }

  #hooks() {
    const task = this.#task;
    return {
      beforeRequest: async (req: HttpRequest) => {
        this.#watchdog.touch();
        await this.#tokens.authorize(req);
      },
      afterResponse: (req: HttpRequest, res: HttpResponse) => this.#afterResponse(req, res),
      urlAvailable: () => { task.uploadUrl = this.#upload?.url ?? task.uploadUrl; },
      progress: (sent: number, total: number) => {
        this.#watchdog.touch();
        task.bytesTotal = total;
        task.bytesSent = Math.max(sent, task.bytesAccepted);
        ({ speed: task.speed, eta: task.eta } = this.#meter.update(task.bytesSent, total, performance.now()));
        this.#progressed();
      },
      chunkComplete: (accepted: number) => {
        task.bytesAccepted = accepted;
        task.bytesSent = Math.max(task.bytesSent, accepted);
        this.#tokens.progressed();
        this.#progressed();
      },
      success: () => this.#onSuccess(),
      error: (err: Error) => this.#onError(err),
      extras: () => ({ videoId: task.videoId ?? undefined, videoToken: this.#videoToken, serverExpiresAt: this.#serverExpiresAt }),
    };
  }

  #afterResponse(req: HttpRequest, res: HttpResponse): void {
    const task = this.#task;
    this.#watchdog.touch();
    if (req.getMethod() === 'POST' && res.getStatus() < 300) {
      // The creation response names the video and grants a playback token for it (DESIGN.md).
      task.videoId = exposedHeader(res, 'Sluice-Video-Id');
      this.#videoToken = exposedHeader(res, 'Sluice-Video-Token') ?? undefined;
      const expires = Date.parse(exposedHeader(res, 'Upload-Expires') ?? '');
      this.#serverExpiresAt = Number.isNaN(expires) ? undefined : expires;
      void this.#sendCaptions();
    } else if (req.getMethod() === 'HEAD' && res.getStatus() < 300) {
      // tus 1.0: "The Server MUST always include the Upload-Offset header in the response for a HEAD request".
      const offset = Number.parseInt(res.getHeader('Upload-Offset') ?? '', 10);
      if (Number.isNaN(offset)) return;
      task.bytesAccepted = offset;
      task.bytesSent = offset;
      if (this.#resumed && task.resumedFrom === null) task.resumedFrom = offset;
      this.#meter.restart(offset, performance.now());
      task.listener.changed(task);
    }
  }

  #run(): void {
    const task = this.#task;
    if (navigator.onLine === false) { this.#goOffline(); return; }
    task.set('uploading', null);
    this.#meter.restart(task.bytesAccepted, performance.now());
    this.#halt();
    this.#watchdog.start(task.settings.stallTimeout, () => {
      if (task.status !== 'uploading') return;
      void this.#upload?.abort(false);
      this.#retryLater(clientError('SLUICE_ERR_UPLOAD_STALLED', true));
    });
    this.#upload?.start();
  }

  /** Caption files go once the server has created the video, one at a time; a refusal is the caption's alone. */
  async #sendCaptions(): Promise<void> {
    const task = this.#task;
    const videoId = task.videoId;
    if (!videoId) return;
    for (const c of task.captions) {
      if (c.status !== 'pending') continue;
      c.status = 'sending';
      task.listener.changed(task);
      const token = await task.settings.getToken(false).catch(() => undefined);
      const error = await sendCaption(c, { endpoint: task.settings.endpoint, videoId, token });
      c.status = error ? 'failed' : 'sent';
      c.error = error;
      task.listener.changed(task);
      if (error) task.listener.emit('caption-error', { item: task, file: c.file, code: error.code, message: error.message });
    }
  }

  #onSuccess(): void {
    const task = this.#task;
    this.#halt();
    task.uploaded = true;
    task.bytesSent = task.bytesAccepted = task.bytesTotal;
    task.eta = 0;
    task.uploadUrl = this.#upload?.url ?? task.uploadUrl;
    // The upload URL ends in `<videoId>.<capability>`; the header is preferred when present.
    task.videoId ??= task.uploadUrl ? decodeURIComponent(new URL(task.uploadUrl).pathname.split('/').pop() ?? '').split('.')[0] ?? null : null;
    task.set('processing', null);
    task.listener.emit('upload-success', { item: task, file: task.file, videoId: task.videoId ?? '' });
    this.follow();
  }

  #onError(err: Error): void {
    if (this.#task.status !== 'uploading') return; // our own abort (pause, offline, stall, cancel)
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
    const task = this.#task;
    this.#halt();
    // Attempts count failures in a row: any byte accepted since the last one starts over.
    if (task.bytesAccepted > this.#acceptedAtLastError) this.#attempt = 0;
    this.#acceptedAtLastError = task.bytesAccepted;
    if (this.#attempt >= task.settings.maxRetries) { this.#fail({ ...info, retriable: false }); return; }
    const delay = backoffDelay(this.#attempt++);
    task.set('retrying', { ...info, retriable: true });
    this.#retryTimer = setTimeout(() => { if (task.status === 'retrying') this.#run(); }, delay);
  }

  readonly #onOffline = (): void => {
    if (this.#task.status === 'uploading' || this.#task.status === 'retrying') this.#goOffline();
  };

  readonly #onOnline = (): void => {
    if (this.#task.status === 'offline') { this.#attempt = 0; this.#run(); }
  };

  #goOffline(): void {
    this.#halt();
    void this.#upload?.abort(false);
    this.#task.speed = 0;
    this.#task.set('offline', clientError('SLUICE_ERR_UPLOAD_OFFLINE', true));
  }

  #fail(error: UploadErrorInfo, status: UploadStatus = 'failed'): void {
    this.#halt();
    this.#task.speed = 0;
    this.#task.set(status, error);
  }

  #progressed(): void {
    const task = this.#task;
    if (task.bytesAccepted > this.#acceptedAtLastError) task.announced = null;
    task.listener.changed(task);
    task.listener.emit('upload-progress', {
      item: task, file: task.file, bytesSent: task.bytesSent, bytesAccepted: task.bytesAccepted,
      bytesTotal: task.bytesTotal, speed: task.speed, eta: task.eta,
    });
  }

  #halt(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#watchdog.stop();
  }
}
