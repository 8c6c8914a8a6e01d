/**
 * One file in the queue, as the element and the page see it: its state, its
 * controls, and the events it fires. What moves the bytes — tus-js-client,
 * backoff, stall detection, offline waiting, token refresh, following the
 * processing — is the UploadEngine, a chunk of its own fetched when the
 * first file starts, so that a page pays for Lit and the element up front
 * and for tus-js-client only once someone chooses a video.
 */
import type { UploadErrorInfo } from './errors.js';
import type { TokenSource } from './token-gate.js';
import type { TusSettings } from './tus-upload.js';
import type { UploadEngine } from './upload-engine.js';
import type { CaptionItem, ChunkedUploaderEventMap, UploadItem, UploadStatus, VideoStatus } from './upload-item.js';

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

let engineModule: Promise<typeof import('./upload-engine.js')> | undefined;
/** The engine chunk (tus-js-client and the rest), imported once, on first use. */
export const loadEngine = (): Promise<typeof import('./upload-engine.js')> => (engineModule ??= import('./upload-engine.js'));

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
  uploaded = false;
  resumedFrom: number | null = null;
  processingProgress: number | null = null;
  video: VideoStatus | null = null;
  error: UploadErrorInfo | null = null;
  /** The last error code announced as `upload-error` since bytes last moved (the engine clears it). */
  announced: string | null = null;

  #engine: UploadEngine | null = null;
  #suspended: UploadStatus | null = null;

  readonly captions: CaptionItem[];

  constructor(readonly file: File, readonly settings: TaskSettings, readonly listener: TaskListener, captions: CaptionItem[] = []) {
    this.bytesTotal = file.size;
    this.captions = captions;
  }

  /** The file holds (or waits for) a queue slot: queued, uploading, retrying or offline. */
  get active(): boolean {
    return ACTIVE.includes(this.status);
  }

  /** Called by the element's queue when a slot is free and this file is `queued`. */
  async start(): Promise<void> {
    if (this.status !== 'queued') return;
    this.set('uploading', null);
    const engine = await this.#load();
    if (engine && (this.status as UploadStatus) === 'uploading') await engine.start(); // not paused or cancelled meanwhile
  }

  pause(): void {
    if (this.#engine) this.#engine.pause();
    else if (this.active) this.set('paused', null);
  }

  resume(): void {
    if (this.status === 'paused') this.set('queued', null);
  }

  retry(): void {
    if (this.#engine) this.#engine.retry();
    else if (this.status === 'failed') this.set('queued', null); // the engine chunk failed to load: try again
  }

  /** Before the upload completed: stop and terminate it on the server. Afterwards: nothing to cancel. */
  async cancel(): Promise<void> {
    if (this.uploaded || this.status === 'cancelled') return;
    const engine = this.#engine ?? await this.#load();
    if (engine) await engine.cancel();
    else this.set('cancelled', null);
  }

  /** The element left the page: stop network activity, remembering what to restart. */
  suspend(): void {
    if (this.active) { this.#suspended = 'queued'; this.pause(); }
    else if (this.status === 'processing') { this.#suspended = 'processing'; this.#engine?.unfollow(); }
  }

  /** The element is back: undo suspend(). */
  wake(): void {
    const was = this.#suspended;
    this.#suspended = null;
    if (was === 'queued') this.resume();
    else if (was === 'processing') this.#engine?.follow();
  }

  /** Removes global listeners and stops everything, without terminating. */
  dispose(): void {
    this.#engine?.dispose();
  }

  /**
   * Sets status and error. An error is announced as `upload-error` when it is
   * final, or when it differs from the last one announced since bytes last
   * moved (a server down for a minute is one event, not one per retry).
   */
  set(status: UploadStatus, error: UploadErrorInfo | null): void {
    this.status = status;
    this.error = error;
    const announce = error !== null && (!error.retriable || error.code !== this.announced);
    if (error) this.announced = error.code;
    this.listener.changed(this);
    if (announce) this.listener.emit('upload-error', { ...error, item: this, file: this.file });
  }

  async #load(): Promise<UploadEngine | null> {
    try {
      const { UploadEngine } = await loadEngine();
      return (this.#engine ??= new UploadEngine(this));
    } catch (cause) {
      engineModule = undefined; // a later retry() fetches the chunk again
      this.set('failed', {
        code: 'SLUICE_ERR_UPLOAD_FAILED', retriable: false,
        message: `The upload code could not be loaded (${cause instanceof Error ? cause.message : String(cause)}).`,
      });
      return null;
    }
  }
}
