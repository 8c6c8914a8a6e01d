import { LitElement, html, type PropertyValues } from 'lit';
import { styles } from './chunked-uploader.styles.js';
import type { UploadErrorInfo } from './errors.js';
import { CAPTION_ACCEPT, captionItems, isCaptionFile, pairCaptions } from './caption-files.js';
import { renderItem } from './item-view.js';
import type { CaptionItem, ChunkedUploaderEventMap, UploadItem } from './upload-item.js';
import { UploadTask, type TaskListener } from './upload-task.js';
import { checkFile, parseSize } from './validation.js';
import { syncForm } from './form-state.js';

const DEFAULT_CHUNK = 8 * 1024 * 1024;

/**
 * `<chunked-uploader>`: resumable video uploads (tus) that live in a form.
 * Files are chosen with a button or dropped on the element, checked against
 * `accept` and `max-size` before any byte is sent, uploaded in chunks with
 * pause/resume/cancel, retried with backoff, resumed after a reload, and then
 * followed through the server's processing until the video is ready. The
 * form value is the video id (one entry per video with `multiple`); the form
 * does not submit while an upload is unfinished, failed or missing when
 * `required`.
 *
 * @fires upload-start - A file starts uploading (`{ item, file, resumed }`).
 * @fires upload-progress - Bytes moved (`{ item, file, bytesSent, bytesAccepted, bytesTotal, speed, eta }`).
 * @fires upload-success - Every byte is on the server (`{ item, file, videoId }`).
 * @fires upload-error - A problem (`{ item, file, code, message, retriable }`); `retriable: true` means the element is already retrying or waiting.
 * @fires processing-progress - The server's processing status changed (`{ item, videoId, status, progress, video }`).
 * @fires video-ready - The video is ready to play (`{ item, videoId, video }`).
 * @fires caption-error - A caption file was refused (`{ item, file, code, message }`; `item` null when refused before sending); the video upload goes on.
 * @slot prompt - Drop-zone text before the button. Default: "Drop a video here or".
 * @slot button - The button's label. Default: "Choose a file" ("Choose files" with `multiple`).
 * @csspart drop-zone - The drop target around the prompt and button (also has part `dragging` while a file is over it).
 * @csspart button - Every button; the browse button also has part `browse`, item buttons `pause`, `resume`, `retry`, `cancel`, `remove`.
 * @csspart list - The list of files.
 * @csspart item - One file (with `data-status`).
 * @csspart name - A file's name.
 * @csspart actions - A file's buttons.
 * @csspart progress - A file's progress bar (role=progressbar).
 * @csspart progress-sent - Bytes sent, not yet confirmed.
 * @csspart progress-accepted - Bytes the server accepted (or processing progress).
 * @csspart status - A file's status line.
 * @csspart captions - A file's caption files (`captions` attribute).
 * @csspart caption - One caption file (with `data-status`: pending, sending, sent, failed).
 * @csspart message - The aria-live region for announcements and errors (also part `error` when it shows one).
 * @cssprop --sluice-accent - Focus ring, borders, accepted bytes. Default #2563eb.
 * @cssprop --sluice-sent - Sent but unconfirmed bytes. Default #93c5fd.
 * @cssprop --sluice-track - Progress track. Default #e5e7eb.
 * @cssprop --sluice-success - Progress of a ready video. Default #15803d.
 * @cssprop --sluice-error - Error text and failed progress. Default #b91c1c.
 * @cssprop --sluice-muted - Status text. Default #4b5563.
 * @cssprop --sluice-font - Font shorthand. Default inherit.
 * @cssprop --sluice-color - Text colour. Default inherit.
 * @cssprop --sluice-radius - Corner radius. Default 8px.
 * @cssprop --sluice-gap - Space between parts. Default 0.75rem.
 * @cssprop --sluice-drop-border - Drop-zone border. Default 2px dashed #8a8f98.
 * @cssprop --sluice-drop-background - Drop-zone background. Default transparent.
 * @cssprop --sluice-drop-active-background - Drop-zone background while dragging. Default #2563eb14.
 * @cssprop --sluice-drop-padding - Drop-zone padding. Default 1.5rem.
 * @cssprop --sluice-button-background - Button background. Default #fff.
 * @cssprop --sluice-button-color - Button text. Default #1d4ed8.
 * @cssprop --sluice-progress-height - Progress bar height. Default 6px.
 */
export class ChunkedUploader extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  // Declared here rather than with decorators: Lit's decorator helpers would
  // cost the initial chunk ~1.5 KB minified (bench uploader-size).
  static override properties = {
    endpoint: {},
    token: {},
    tokenProvider: { attribute: false },
    name: { reflect: true },
    accept: {},
    maxSize: { attribute: 'max-size' },
    chunkSize: { attribute: 'chunk-size' },
    multiple: { type: Boolean, reflect: true },
    required: { type: Boolean, reflect: true },
    disabled: { type: Boolean, reflect: true },
    concurrency: { type: Number },
    maxRetries: { type: Number, attribute: 'max-retries' },
    stallTimeout: { type: Number, attribute: 'stall-timeout' },
    resumeTtl: { type: Number, attribute: 'resume-ttl' },
    metadata: { type: Object },
    captions: { type: Boolean, reflect: true },
    captionsLang: { attribute: 'captions-lang' },
    _dragging: { state: true },
    _announcement: { state: true },
  };

  /** tus creation URL, absolute or relative to the page. */
  endpoint = '/api/uploads';
  /** An `upload` JWT, sent as `Authorization: Bearer …`. */
  token = '';
  /** Returns an upload token; called when there is none yet and again after a 401. Takes precedence over a stale `token`. */
  tokenProvider: (() => string | Promise<string>) | null = null;
  /** The form field name. */
  name = '';
  /** Like `<input type=file accept>`: `video/*`, `.mov,.mp4`, … Checked before uploading. */
  accept = '';
  /** Largest file allowed, like `2GB` or `500MB` (decimal, as SLUICE_MAX_UPLOAD reads them; `2GiB` is binary) or bytes. Empty: no limit here (the server has its own). */
  maxSize = '';
  /** Bytes per request, like `8MB` or `8MiB`. */
  chunkSize = '8MB';
  /** Accept several files; they upload as a queue. */
  multiple = false;
  /** The form needs at least one uploaded video. */
  required = false;
  /** No new files, no drops; uploads in progress continue. */
  disabled = false;
  /** How many files upload at the same time. */
  concurrency = 2;
  /** Failed attempts in a row (without new bytes accepted) before a file is given up. */
  maxRetries = 8;
  /** Seconds without progress or answer after which a request is aborted and retried. */
  stallTimeout = 30;
  /** Seconds an unfinished upload stays resumable in this browser (never longer than the server keeps it). */
  resumeTtl = 86_400;
  /** Extra tus metadata, e.g. `{ title: 'Holiday' }`; `filename`, `filetype` and `title` (default: the file name) are set for you. */
  metadata: Record<string, string> = {};

  /**
   * Caption files (`.vtt`, `.srt`, up to 2 MB) may be chosen or dropped with
   * the video: `accept` gains `.vtt,.srt`, and each is sent to the video's
   * captions once the server created it. With several videos, a caption goes
   * with the video whose name it shares (`film.en.srt` ↔ `film.mp4`).
   */
  captions = false;
  /** Language of caption files whose name carries none (`film.srt`); default: the page's `lang`, else `und`. */
  captionsLang = '';

  /** @internal Reactive state (no attribute): a file is over the drop zone. */
  private _dragging = false;
  /** @internal Reactive state (no attribute): the aria-live announcement. */
  private _announcement: { text: string; error: boolean } | null = null;

  readonly #internals: ElementInternals;
  #tasks: UploadTask[] = [];
  #refusal: UploadErrorInfo | null = null;
  #providedToken: string | undefined;
  #formDisabled = false;

  constructor() {
    super();
    this.#internals = this.attachInternals();
  }

  /** Every file in the queue, oldest first. */
  get items(): readonly UploadItem[] {
    return this.#tasks;
  }

  /** The uploaded video ids, in queue order. */
  get videoIds(): string[] {
    return this.#tasks.filter((t) => t.uploaded && t.videoId).map((t) => t.videoId as string);
  }

  /** The video id (with `multiple`: the ids joined by commas); empty until an upload finished. */
  get value(): string {
    return this.videoIds.join(',');
  }

  get form(): HTMLFormElement | null { return this.#internals.form; }
  get validity(): ValidityState { return this.#internals.validity; }
  get validationMessage(): string { return this.#internals.validationMessage; }
  get willValidate(): boolean { return this.#internals.willValidate; }
  checkValidity(): boolean { return this.#internals.checkValidity(); }
  reportValidity(): boolean { return this.#internals.reportValidity(); }

  /**
   * Adds files as if chosen: each is checked against `accept` and `max-size`
   * (a refused file fires `upload-error`, sets the validity message and sends
   * nothing), then queued. Without `multiple` only the first file is taken and
   * replaces the current one (which stays resumable). Returns the queued items.
   */
  addFiles(files: Iterable<File> | ArrayLike<File>): UploadItem[] {
    const all = Array.from(files as ArrayLike<File>);
    const captionFiles = this.captions ? all.filter(isCaptionFile) : [];
    const list = all.filter((f) => !captionFiles.includes(f)).slice(0, this.multiple ? undefined : 1);
    const added: UploadTask[] = [];
    this.#refusal = null;
    const videos = list.filter((file) => {
      const refusal = checkFile(file, this.accept, parseSize(this.maxSize));
      if (refusal) {
        this.#refusal = refusal;
        this.#announce(refusal.message, true);
        this.#emit('upload-error', { ...refusal, item: null, file });
      }
      return !refusal;
    });
    const { pairs, refused } = pairCaptions(videos, captionFiles);
    for (const { file, error } of refused) {
      this.#announce(error.message, true);
      this.#emit('caption-error', { item: null, file, code: error.code, message: error.message });
    }
    const lang = this.captionsLang || document.documentElement.lang || 'und';
    for (const file of videos) {
      if (!this.multiple) for (const t of this.#tasks) this.#drop(t);
      added.push(this.#createTask(file, captionItems(pairs.get(file) ?? [], lang)));
    }
    this.#tasks.push(...added);
    this.#changed();
    return added;
  }

  /** Pauses one file, or every file. */
  pause(item?: UploadItem): void { this.#each(item, (t) => t.pause()); }
  /** Resumes one paused file, or every paused file. */
  resume(item?: UploadItem): void { this.#each(item, (t) => t.resume()); }
  /** Retries one failed file, or every failed file. */
  retry(item?: UploadItem): void { this.#each(item, (t) => t.retry()); }
  /** Cancels one unfinished file, or every one, terminating it on the server. */
  async cancel(item?: UploadItem): Promise<void> {
    await Promise.all(this.#pick(item).map((t) => t.cancel()));
  }
  /** Removes a file from the list (cancelling it first if unfinished), or every file. */
  async removeItem(item?: UploadItem): Promise<void> {
    const picked = this.#pick(item);
    await Promise.all(picked.map((t) => t.cancel()));
    for (const t of picked) this.#drop(t);
    this.#changed();
  }

  /** Opens the file picker. */
  browse(): void {
    if (!this.#isDisabled) this.renderRoot.querySelector('input')?.click();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const t of this.#tasks) t.wake();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Leaving the page (or a reload) must not terminate anything: stop sending, stay resumable.
    for (const t of this.#tasks) t.suspend();
  }

  formResetCallback(): void {
    for (const t of this.#tasks) this.#drop(t);
    this.#refusal = null;
    this._announcement = null;
    this.#changed();
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('token')) this.#providedToken = undefined;
  }

  protected override updated(): void {
    syncForm(this.#internals, this.#tasks, {
      name: this.name, multiple: this.multiple, required: this.required, refusal: this.#refusal, anchor: this.renderRoot.querySelector<HTMLElement>('[part~="browse"]'),
    });
  }

  protected override render() {
    const a = this._announcement;
    return html`
      <div part="drop-zone${this._dragging ? ' dragging' : ''}"
        @dragenter=${this.#onDrag} @dragover=${this.#onDrag} @dragleave=${this.#onDragLeave} @drop=${this.#onDrop}>
        <slot name="prompt">Drop ${this.multiple ? 'videos' : 'a video'} here or</slot>
        <button type="button" part="button browse" ?disabled=${this.#isDisabled} @click=${this.browse}>
          <slot name="button">Choose ${this.multiple ? 'files' : 'a file'}</slot>
        </button>
        <input type="file" tabindex="-1" aria-hidden="true" accept=${this.captions && this.accept ? `${this.accept},${CAPTION_ACCEPT}` : this.accept} ?multiple=${this.multiple} @change=${this.#onPick} />
      </div>
      ${this.#tasks.length ? html`<ul part="list">${this.#tasks.map((t) => renderItem(t, { remove: (i) => void this.removeItem(i) }))}</ul>` : ''}
      <p part="message${a?.error ? ' error' : ''}" role="status" aria-live="polite">${a?.text ?? ''}</p>`;
  }

  get #isDisabled(): boolean {
    return this.disabled || this.#formDisabled;
  }

  #createTask(file: File, captions: CaptionItem[]): UploadTask {
    const listener: TaskListener = {
      changed: () => this.#changed(),
      emit: (type, detail) => {
        if (type === 'upload-error') {
          const { message, retriable } = detail as ChunkedUploaderEventMap['upload-error']['detail'];
          this.#announce(`${file.name}: ${message}`, !retriable);
        } else if (type === 'caption-error') this.#announce((detail as ChunkedUploaderEventMap['caption-error']['detail']).message, true);
        else if (type === 'upload-success') this.#announce(`${file.name} uploaded.`, false);
        else if (type === 'video-ready') this.#announce(`${file.name} is ready.`, false);
        this.#emit(type, detail);
      },
    };
    return new UploadTask(file, {
      endpoint: new URL(this.endpoint, document.baseURI).href,
      chunkSize: parseSize(this.chunkSize) || DEFAULT_CHUNK,
      metadata: { filename: file.name, filetype: file.type, title: file.name.replace(/\.[^.]+$/, ''), ...this.metadata },
      resumeTtl: this.resumeTtl,
      stallTimeout: this.stallTimeout * 1000,
      maxRetries: this.maxRetries,
      getToken: (refresh) => this.#getToken(refresh),
      canRefreshToken: () => this.tokenProvider !== null,
    }, listener, captions);
  }

  async #getToken(refresh: boolean): Promise<string | undefined> {
    if (this.tokenProvider && (refresh || (!this.#providedToken && !this.token))) {
      this.#providedToken = await this.tokenProvider();
    }
    return this.#providedToken ?? (this.token || undefined);
  }

  /** Queue: start queued files while fewer than `concurrency` are moving bytes. */
  #changed(): void {
    let active = this.#tasks.filter((t) => t.status === 'uploading' || t.status === 'retrying' || t.status === 'offline').length;
    for (const t of this.#tasks) {
      if (active >= Math.max(1, this.concurrency)) break;
      if (t.status === 'queued') { active += 1; void t.start(); }
    }
    this.requestUpdate();
  }

  #drop(task: UploadTask): void {
    task.dispose();
    this.#tasks = this.#tasks.filter((t) => t !== task);
  }

  #pick(item?: UploadItem): UploadTask[] {
    return item ? this.#tasks.filter((t) => t === item) : [...this.#tasks];
  }

  #each(item: UploadItem | undefined, fn: (t: UploadTask) => void): void {
    this.#pick(item).forEach(fn);
    this.#changed();
  }

  #announce(text: string, error: boolean): void {
    this._announcement = { text, error };
  }

  #emit<K extends keyof ChunkedUploaderEventMap>(type: K, detail: ChunkedUploaderEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #onPick = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    if (input.files) this.addFiles(input.files);
    input.value = ''; // so that choosing the same file again fires `change`
  };

  #onDrag = (e: DragEvent): void => {
    if (this.#isDisabled || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault(); // accept the drop
    e.dataTransfer.dropEffect = 'copy';
    this._dragging = true;
  };

  #onDragLeave = (): void => {
    this._dragging = false;
  };

  #onDrop = (e: DragEvent): void => {
    this._dragging = false;
    if (this.#isDisabled || !e.dataTransfer) return;
    e.preventDefault();
    this.addFiles(e.dataTransfer.files);
  };
}

if (typeof customElements !== 'undefined' && !customElements.get('chunked-uploader')) {
  customElements.define('chunked-uploader', ChunkedUploader);
}

declare global {
  interface HTMLElementTagNameMap {
    'chunked-uploader': ChunkedUploader;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ChunkedUploaderEventMap {}
}
