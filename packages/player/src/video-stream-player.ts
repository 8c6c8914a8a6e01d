/**
 * `<video-stream-player>`: plays a Sluice video (or any .m3u8/.mp4) through
 * one shadow `<video part="video">`, mirroring the HTMLMediaElement API.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CaptionsController, captionsOf, type CaptionsChangeDetail } from './captions.js';
import { focusCaptionsMenu, type MenuFocus } from './captions-menu.js';
import { renderControls, videoActions, type ControlsView } from './controls.js';
import type { Engine, QualityLevel } from './engine.js';
import type { StreamErrorDetail, StreamFallbackDetail, VideoStreamPlayerEventMap } from './events.js';
import { handleShortcut } from './keyboard.js';
import { defineMediaMirror, forwardMediaEvents, upgradeMediaProps, type MediaMirror } from './media-mirror.js';
import { PlaybackSession } from './playback-session.js';
import type { VideoStatus } from './status.js';
import { loadStoryboard, thumbnailAt, type Thumbnail } from './storyboard.js';
import { renderOverlay } from './overlay.js';
import { posterWidth, thumbnailPoster } from './poster-time.js';
import { playerStyles } from './styles.js';
import { TokenRenewal } from './token-renewal.js';

/** Attributes copied onto the shadow `<video>` as they are. */
const VIDEO_ATTRS = ['autoplay', 'muted', 'loop', 'playsinline', 'preload', 'crossorigin', 'disablepictureinpicture', 'disableremoteplayback'];
/** Media events after which the controls re-render. */
const RENDER_ON = ['play', 'pause', 'playing', 'waiting', 'seeking', 'seeked', 'timeupdate', 'durationchange', 'volumechange', 'ratechange', 'loadedmetadata', 'ended', 'canplay', 'enterpictureinpicture', 'leavepictureinpicture'];
const IDLE_MS = 3000;

/**
 * Adaptive HLS player for Sluice videos and any .m3u8 or .mp4 URL.
 *
 * @fires stream-recovered - `{ reason, stallMs }` after an expired URL or rejected token was renewed without interrupting playback (native HLS: after a reload at the same position).
 * @fires stream-resigned - `{ reason, engine, stallMs }` when URLs were re-signed before they failed: `expiring` (hls.js re-fetched a playlist; native HLS reloaded a paused video) or `token` (`token` changed).
 * @fires stream-fallback - `{ reason, from, to, position }` when HLS failed for good and the MP4 took over at the same position.
 * @fires stream-error - `{ code, message, fatal }` when playback cannot start or continue.
 * @fires token-expired - `{ src }` when the JWT was rejected and no `tokenProvider` is set; set `token` to continue.
 * @fires status-change - the server's status document, each time it changes.
 * @fires captions-change - `{ lang, label }` when the shown caption track changes (`lang` null: off).
 * @csspart root - the focusable region around everything
 * @csspart video - the shadow `<video>`
 * @csspart poster - the poster image shown while the video is processing
 * @csspart progress - the processing progress bar
 * @csspart error - the error message
 * @csspart spinner - the buffering indicator
 * @csspart controls - the control bar; also play-button, mute-button, volume, time, seek-bar, preview, thumbnail, captions-button, captions-menu, captions-item, quality-menu, rate-menu, pip-button, fullscreen-button
 * @cssprop --sluice-accent - accent colour of sliders, focus rings and pressed buttons (#4f9cff)
 * @cssprop --sluice-background - behind the video (#000)
 * @cssprop --sluice-controls-background - behind the controls
 * @cssprop --sluice-controls-color - text and icon colour (#fff)
 * @cssprop --sluice-menu-background - behind the captions, quality and speed menus
 * @cssprop --sluice-captions-color - caption text colour (#fff)
 * @cssprop --sluice-captions-background - behind caption text (rgb(0 0 0 / 0.8))
 * @cssprop --sluice-captions-font-size - caption text size (inherits the browser's)
 * @cssprop --sluice-captions-font-family - caption font (sans-serif)
 * @cssprop --sluice-font - font shorthand of the controls
 * @cssprop --sluice-radius - corner radius (0)
 * @cssprop --sluice-aspect-ratio - box aspect ratio (16 / 9)
 * @cssprop --sluice-object-fit - how the video fills the box (contain)
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface below
export class VideoStreamPlayer extends LitElement {
  static override styles = playerStyles;

  static {
    // The rate a page asked for, restored after each new source (see loadstart).
    defineMediaMirror(this.prototype, (el, name, value) => { if (name === 'playbackRate') el.#rate = Number(value); }, (el, name) => {
      // While the native engine reloads freshly signed playlists, the page keeps seeing where it was.
      const held = name === 'currentTime' || name === 'duration' ? el.#session?.engine?.held?.() : undefined;
      return held?.[name as 'currentTime' | 'duration'];
    });
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...VIDEO_ATTRS];
  }

  /** A Sluice video URL (`/api/videos/:id`, its status document), or any `.m3u8` or `.mp4` URL. */
  @property() src = '';
  /**
   * Playback JWT; sent as `?token=`. Setting it resumes requests waiting after
   * `token-expired`; on a playing element it re-signs what is loaded (hls.js:
   * re-fetches the playlist; native HLS: a reload at the same position) and
   * fires `stream-resigned`.
   */
  @property() token = '';
  /** Called when the JWT is rejected; resolves with a new one. Preferred over `token-expired`. */
  @property({ attribute: false }) tokenProvider: (() => Promise<string>) | undefined = undefined;
  /** Poster image; defaults to the status document's `poster`. */
  @property() poster = '';
  /**
   * Seconds: the poster is the server's thumbnail of that moment (Sluice
   * sources, once playable), as wide as the element is drawn. `poster` wins
   * when both are set.
   */
  @property({ attribute: 'poster-time', type: Number }) posterTime: number | null = null;
  /** Present: built-in controls; `"native"`: the browser's own; absent: none. */
  @property() controls: string | null = null;
  /** Where playback starts, in seconds. */
  @property({ attribute: 'start-time', type: Number }) startTime = 0;

  /** The shadow `<video>` that does the playing. */
  readonly video: HTMLVideoElement;

  @state() private _status: VideoStatus | null = null;
  @state() private _error: StreamErrorDetail | null = null;
  @state() private _waiting = false;
  @state() private _idle = false;
  @state() private _preview: ControlsView['preview'] = null;
  @state() private _menuOpen = false;
  #menuFocus: MenuFocus | undefined;
  #session: PlaybackSession | undefined;
  #thumbs: Thumbnail[] = [];
  readonly #tokens = new TokenRenewal({
    provider: () => this.tokenProvider, current: () => this.token, set: (t) => { this.token = t; },
    expired: () => this.#emit('token-expired', { src: this.src }),
  });
  readonly #captions: CaptionsController;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #rate = 1;

  constructor() {
    super();
    const video = (this.video = document.createElement('video'));
    video.setAttribute('part', 'video');
    video.playsInline = true;
    upgradeMediaProps(this);
    this.#rate = video.playbackRate;
    forwardMediaEvents(video, this, (e) => this.#session?.engine?.absorbs?.(e) === true);
    for (const type of RENDER_ON) video.addEventListener(type, (e) => { this.#onMedia(e.type); });
    // A new source resets playbackRate to defaultPlaybackRate (HTML load
    // algorithm) without a ratechange: keep the rate across engine switches.
    video.addEventListener('ratechange', () => { if (video.readyState > 0) this.#rate = video.playbackRate; });
    video.addEventListener('loadstart', () => { if (this.#rate !== video.playbackRate) video.playbackRate = this.#rate; });
    this.#captions = new CaptionsController({
      video, defaultLang: () => captionsOf(this._status).find((c) => c.default)?.lang,
      changed: (detail: CaptionsChangeDetail) => { this.requestUpdate(); this.#emit('captions-change', detail); },
    });
    for (const type of ['addtrack', 'removetrack']) video.textTracks.addEventListener(type, () => this.requestUpdate());
  }

  /** The engine in use: `hls.js`, `native-hls`, `progressive`, or null before one starts. */
  get engine(): Engine['kind'] | null { return this.#session?.engine?.kind ?? null; }
  /** The server's status document (Sluice sources), as last received. */
  get videoStatus(): VideoStatus | null { return this._status; }
  /** Renditions the engine can switch between (hls.js only). */
  get levels(): readonly QualityLevel[] { return this.#session?.engine?.levels ?? []; }
  /** The rendition playing now (index into `levels`), -1 if unknown. */
  get currentLevel(): number { return this.#session?.engine?.currentLevel ?? -1; }
  /** The chosen rendition, -1 for automatic. Switches at the next segment, keeping the buffer. */
  get level(): number { return this.#session?.engine?.level ?? -1; }
  set level(index: number) { const e = this.#session?.engine; if (e) e.level = index; this.requestUpdate(); }
  /** Playlist re-fetches made so far to re-sign expired URLs. */
  get refetches(): number { return this.#session?.engine?.refetches ?? 0; }

  /** Shows the remembered caption track (else the default, else the first) or turns captions off; like the `c` key. */
  toggleCaptions(): void { this.#captions.toggle(); }

  /** Reloads `src` from scratch (like HTMLMediaElement.load()). */
  load(): void { this.#restart(); }

  /** Enters or leaves fullscreen for the whole player. */
  toggleFullscreen(): void {
    if (document.fullscreenElement === this) document.exitFullscreen().catch(() => undefined);
    else this.requestFullscreen().catch(() => undefined);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (!VIDEO_ATTRS.includes(name)) return;
    if (value === null) this.video.removeAttribute(name); else this.video.setAttribute(name, value);
    // The attribute is the default; the property is what plays now.
    if (name === 'muted') this.video.muted = value !== null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.#rerender);
    if (this.src && !this.#session && this.hasUpdated) this.#restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.#rerender);
    // A move in the DOM (disconnect + connect in one task) keeps playing.
    queueMicrotask(() => { if (!this.isConnected) { this.#session?.close(); this.#session = undefined; } });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.#restart();
    // A renewal in progress re-signs through its waiters; otherwise re-sign what is loaded.
    if (changed.has('token') && this.token && !this.#tokens.tokenSet(this.token) && changed.get('token')) this.#session?.tokenChanged();
    if (changed.has('controls')) this.video.controls = this.controls === 'native';
    if (changed.has('poster') || changed.has('posterTime') || changed.has('_status' as keyof VideoStreamPlayer)) {
      const poster = this.#posterUrl();
      if (poster) this.video.poster = poster; else this.video.removeAttribute('poster');
    }
  }

  #posterUrl(): string {
    if (this.poster) return this.poster;
    const thumbnail = this.posterTime === null ? '' : thumbnailPoster(this._status, this.token, this.posterTime, posterWidth(this.clientWidth, devicePixelRatio));
    return thumbnail || this._status?.poster || '';
  }

  /** The JWT was rejected: ask tokenProvider, or fire `token-expired` and wait for `token`. One renewal at a time. */
  renewToken(): Promise<string> { return this.#tokens.renew(); }

  protected override updated(): void {
    if (this.#menuFocus) focusCaptionsMenu(this.renderRoot, this.#menuFocus);
    this.#menuFocus = undefined;
  }

  #restart(): void {
    this.#session?.close();
    this.#session = undefined;
    this._status = null;
    this._error = null;
    this.#thumbs = [];
    if (!this.src) return;
    const session = new PlaybackSession(this.src, {
      video: this.video,
      token: () => this.token || undefined,
      renewToken: () => this.renewToken(),
      startTime: () => this.startTime,
      recovered: (reason, stallMs) => this.#emit('stream-recovered', { reason, stallMs }),
      resigned: (reason, stallMs) => this.#emit('stream-resigned', { reason, stallMs, engine: session.engine?.kind ?? 'hls.js' }),
      levelsChanged: () => this.requestUpdate(),
      status: (doc) => this.#onStatus(doc),
      error: (code, message, fatal) => { this._error = { code, message, fatal }; this.#emit('stream-error', this._error); },
      fallback: (detail: StreamFallbackDetail) => this.#emit('stream-fallback', detail),
      engineChanged: () => this.requestUpdate(),
    });
    this.#session = session;
    void session.start();
  }

  #onStatus(doc: VideoStatus): void {
    this._status = doc;
    if (doc.storyboard && doc.status === 'ready' && this.#thumbs.length === 0) {
      void loadStoryboard(doc.storyboard).then((t) => { this.#thumbs = t; });
    }
    this.#emit('status-change', doc);
  }

  #emit<K extends keyof VideoStreamPlayerEventMap>(type: K, detail: VideoStreamPlayerEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  readonly #rerender = (): void => this.requestUpdate();

  #onMedia(type: string): void {
    if (type === 'waiting') this._waiting = true;
    else if (type === 'playing' || type === 'canplay' || type === 'pause' || type === 'seeked' || type === 'ended') this._waiting = false;
    if (type === 'play' || type === 'pause') this.#wake();
    this.requestUpdate();
  }

  /** Controls show on activity and hide after a while of playing untouched. */
  #wake = (): void => {
    this._idle = false;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => { this._idle = !this.video.paused; }, IDLE_MS);
  };

  #view(): ControlsView {
    const v = this.video;
    const tracks = this.#captions.tracks;
    const shown = this.#captions.shown;
    const preview = this._preview;
    return {
      paused: v.paused, currentTime: v.currentTime, duration: v.duration, volume: v.volume, muted: v.muted, rate: v.playbackRate,
      levels: this.levels, level: this.level, currentLevel: this.currentLevel,
      captions: { items: tracks.map((t) => ({ label: t.label, lang: t.language })), selected: shown ? tracks.indexOf(shown) : -1, open: this._menuOpen },
      pip: document.pictureInPictureEnabled && !v.disablePictureInPicture, fullscreen: document.fullscreenElement === this,
      preview: preview && { ...preview, thumb: thumbnailAt(this.#thumbs, preview.time) },
    };
  }

  #controls(): TemplateResult {
    const v = this.video;
    return renderControls(this.#view(), {
      ...videoActions(v),
      setLevel: (i) => { this.level = i; },
      setRate: (r) => { this.playbackRate = r; },
      captions: {
        setOpen: (open, focus) => { this.#menuFocus = open ? focus : this._menuOpen ? 'button' : undefined; this._menuOpen = open; },
        choose: (i) => { this.#captions.select(this.#captions.tracks[i] ?? null); this.#menuFocus = 'button'; this._menuOpen = false; },
      },
      toggleFullscreen: () => this.toggleFullscreen(),
      preview: (f) => { this._preview = f === null || !Number.isFinite(v.duration) ? null : { fraction: f, time: f * v.duration, thumb: undefined }; },
    });
  }

  protected override render(): TemplateResult {
    const builtIn = this.controls !== null && this.controls !== 'native';
    const label = this._status?.title ? `Video player: ${this._status.title}` : 'Video player';
    return html`<div part="root" class="root ${this._idle ? 'idle' : ''}" role="region" aria-label=${label}
      tabindex=${builtIn ? '0' : nothing as never}
      @keydown=${(e: KeyboardEvent) => { if (builtIn && handleShortcut(e, this)) { e.preventDefault(); this.#wake(); } }}
      @pointermove=${this.#wake}>
      ${this.video}${renderOverlay({ error: this._error, status: this._status, poster: this.poster, buffering: this._waiting && !this.video.paused })}${builtIn ? this.#controls() : nothing}
    </div>`;
  }
}

// The mirrored HTMLMediaElement members are defined on the prototype at
// runtime (defineMediaMirror); this merge gives them their types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface VideoStreamPlayer extends MediaMirror {
  addEventListener<K extends keyof VideoStreamPlayerEventMap>(type: K, listener: (this: VideoStreamPlayer, ev: VideoStreamPlayerEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: VideoStreamPlayer, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap { 'video-stream-player': VideoStreamPlayer }
}
