/**
 * The browser's own HLS (Safari, iPhones without MediaSource): no hook per
 * request, so expiry is handled around the element. Sluice serves it
 * `expiry=linear` playlists (each URL lives until a straight-through viewer
 * needs it, plus the TTL). When a URL still fails — a long pause, a seek
 * back, a clock skew, a new token — the engine reloads freshly signed
 * playlists at the same position, keeping play state (volume, muted and
 * rate live on the element), and hides the reload's own media events.
 */
import type { Engine, EngineHost, EngineOptions, HeldState, QualityLevel } from './engine.js';
import { pendingExpiry, readExpiries, type PlaylistView } from './native-expiry.js';
import { withToken } from './signed-url.js';

/** Reloads after failures allowed per minute; one more means HLS is broken here (→ MP4). */
const RECOVERIES_PER_MINUTE = 3;
/** A stall this long, with the next segment's URL already expired, is taken for a failed request. */
const STALL_RELOAD_MS = 4000;
/** Re-sign a paused viewer this many seconds before the next segment's URL expires. */
const MARGIN_S = 2;
/** Quiet re-signs per pause; after that a resume recovers reactively instead of reloading forever. */
const PAUSED_RESIGNS = 5;
/** A reload that has not played (or seeked, when paused) by then has failed. */
const RELOAD_TIMEOUT_MS = 20_000;

/** `grown`: a playlist still being encoded got longer after the browser took its end for the video's. */
type ReloadReason = 'expired' | 'token' | 'expiring' | 'grown';
interface Reload { position: number; duration: number; playing: boolean; reason: ReloadReason; startedAt: number; seeked: boolean; autoplay: boolean }

/** Media events a reload causes that the page must not see (the position and source look unchanged). */
const PASS_DURING_RELOAD = new Set(['volumechange', 'ratechange']);

export class NativeHlsEngine implements Engine {
  readonly kind = 'native-hls';
  readonly levels: readonly QualityLevel[] = [];
  readonly currentLevel = -1;
  level = -1;
  /** Reloads of freshly signed playlists (the native counterpart of playlist re-fetches). */
  refetches = 0;
  readonly #url: string;
  readonly #host: EngineHost;
  readonly #off: (() => void)[] = [];
  #started = false;
  #reload: Reload | null = null;
  #synthetic = false;
  #recoveries: number[] = [];
  #playlist: PlaylistView | null = null;
  #pausedResigns = 0;
  #pauseTimer: ReturnType<typeof setTimeout> | undefined;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;
  /** The viewer's intent (play/pause events): Chromium pauses the element on a media error without a `pause` event. */
  #wantsPlay = false;
  /** The state the viewer last saw, once HLS failed for good (the element falls back from it). */
  #failed: HeldState | undefined;

  constructor(url: string, host: EngineHost, options: EngineOptions) {
    this.#url = url;
    this.#host = host;
    const on = (type: string, fn: (e: Event) => void): void => {
      host.video.addEventListener(type, fn);
      this.#off.push(() => host.video.removeEventListener(type, fn));
    };
    on('error', () => this.#onError());
    on('loadedmetadata', () => this.#onMetadata());
    on('seeked', () => this.#maybeFinish());
    on('playing', () => { this.#clearStall(); this.#maybeFinish(); });
    on('timeupdate', () => { if (!this.#reload && !this.#host.video.paused) this.#clearStall(); });
    on('waiting', () => this.#onWaiting());
    on('pause', () => { if (!this.#reload) { this.#wantsPlay = false; this.#schedulePausedResign(); } });
    on('play', () => { this.#wantsPlay = true; clearTimeout(this.#pauseTimer); this.#pausedResigns = 0; });
    on('ended', () => { if (this.#growing()) void this.#checkGrowth(); });
    // A media fragment (`#t=`) starts there before the first frame is shown.
    const at = options.startPosition;
    host.video.src = at > 0 && !url.includes('#') ? `${this.#current()}#t=${at}` : this.#current();
    void this.#readExpiries();
  }

  /** Position, duration and play state as they were before a reload, while it runs. */
  held(): HeldState | undefined {
    const r = this.#reload;
    return r ? { currentTime: r.position, duration: r.duration, playing: r.playing } : this.#failed;
  }

  /** True for a media event this engine handles itself (a reload's, or an error it recovers from). */
  absorbs(e: Event): boolean {
    if (this.#synthetic) return false;
    if (e.type === 'error') return this.#started;
    if (e.type === 'ended' && this.#growing()) return true;
    return this.#reload !== null && !PASS_DURING_RELOAD.has(e.type);
  }

  tokenChanged(): void {
    if (this.#started && !this.#reload) this.#reloadNow('token');
  }

  destroy(): void {
    this.#destroyed = true;
    for (const off of this.#off.splice(0)) off();
    for (const t of [this.#pauseTimer, this.#stallTimer, this.#reloadTimer]) clearTimeout(t);
    const { video } = this.#host;
    if (this.#reload) video.autoplay = this.#reload.autoplay;
    video.removeAttribute('src');
    video.load();
  }

  #current(): string { return withToken(this.#url, this.#host.token()); }

  #readExpiries(): Promise<void> {
    return readExpiries(this.#current()).then((view) => {
      if (this.#destroyed) return;
      this.#playlist = view;
      if (this.#host.video.paused && !this.#host.video.ended) this.#schedulePausedResign();
    });
  }

  /** The playlist was still growing when last read (the video is being processed). */
  #growing(): boolean { return this.#reload === null && this.#playlist?.complete === false; }

  /**
   * Chromium's HLS ends a growing (EVENT) playlist at its last listed
   * segment instead of reloading it. Until the playlist is complete, an end
   * is checked: more segments → reload there and play on; none yet → look
   * again shortly; complete → the real `ended`.
   */
  async #checkGrowth(): Promise<void> {
    const { video } = this.#host;
    const at = video.currentTime;
    for (;;) {
      await this.#readExpiries();
      if (this.#destroyed || !video.ended) return;
      const end = this.#playlist?.segments.at(-1)?.end ?? 0;
      if (end > at + 0.5) { this.#reloadNow('grown', true); return; }
      if (this.#playlist?.complete !== false) { this.#emit('ended'); return; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  #onMetadata(): void {
    this.#started = true;
    const r = this.#reload;
    if (!r) return;
    const { video } = this.#host;
    if (Math.abs(video.currentTime - r.position) > 0.1) video.currentTime = r.position;
    else r.seeked = true;
    // Not at once after setting src: the pending load would abort that play().
    if (r.playing) video.play().catch(() => undefined);
    this.#maybeFinish();
  }

  #onError(): void {
    if (this.#failed) return;
    const { video } = this.#host;
    const e = video.error;
    const reason = e ? `media error ${e.code}${e.message ? `: ${e.message}` : ''}` : 'media error';
    // Before the first frame there is nothing to keep: let the element fall back.
    if (!this.#started) { this.#fail(reason); return; }
    // A reload that fails again is not an expiry: HLS is broken here.
    if (this.#reload) { this.#fail(`${reason} (after reloading freshly signed playlists)`); return; }
    // An expired URL surfaces as MEDIA_ERR_NETWORK (Safari) or MEDIA_ERR_SRC_NOT_SUPPORTED (Chromium:
    // the 410 body does not parse); a decode error is not cured by new URLs.
    if (e?.code === MediaError.MEDIA_ERR_DECODE) { this.#fail(reason); return; }
    this.#recover(reason);
  }

  #recover(reason: string): void {
    if (this.#failed) return;
    const now = performance.now();
    this.#recoveries = this.#recoveries.filter((t) => now - t < 60_000);
    if (this.#recoveries.length >= RECOVERIES_PER_MINUTE) { this.#fail(`${reason} (${RECOVERIES_PER_MINUTE} reloads within a minute)`); return; }
    this.#recoveries.push(now);
    this.#reloadNow('expired');
  }

  #fail(reason: string): void {
    const { video } = this.#host;
    // The element falls back from the position the viewer saw, not a reload's 0.
    this.#failed = this.held() ?? { currentTime: video.currentTime, duration: video.duration, playing: this.#wantsPlay && !video.ended };
    this.#endReload();
    this.#host.fatal(reason);
  }

  #reloadNow(reason: ReloadReason, playing = this.#wantsPlay && !this.#host.video.ended): void {
    const { video } = this.#host;
    clearTimeout(this.#pauseTimer);
    this.#clearStall();
    const duration = video.duration;
    this.#reload = { position: video.currentTime, duration, playing, reason, startedAt: performance.now(), seeked: false, autoplay: video.autoplay };
    this.refetches += 1;
    if (playing) this.#emit('waiting');
    // The load algorithm would autoplay a paused viewer (its "can autoplay" flag is reset).
    if (!playing) video.autoplay = false;
    video.src = this.#current();
    void this.#readExpiries();
    this.#reloadTimer = setTimeout(() => { if (this.#reload) this.#fail('reloading freshly signed playlists timed out'); }, RELOAD_TIMEOUT_MS);
  }

  #maybeFinish(): void {
    const r = this.#reload;
    const { video } = this.#host;
    if (!r || video.readyState === 0) return;
    if (!r.seeked) {
      if (video.seeking || Math.abs(video.currentTime - r.position) > 0.5) return;
      r.seeked = true;
    }
    if (r.playing && (video.paused || video.readyState < 3)) return;
    const stallMs = performance.now() - r.startedAt;
    this.#endReload();
    if (r.playing) this.#emit('playing');
    if (r.reason === 'expired') this.#host.recovered('expired', stallMs);
    else if (r.reason !== 'grown') this.#host.resigned(r.reason, stallMs);
    if (video.paused) this.#schedulePausedResign();
  }

  #endReload(): void {
    const r = this.#reload;
    if (!r) return;
    clearTimeout(this.#reloadTimer);
    this.#host.video.autoplay = r.autoplay;
    this.#reload = null;
  }

  #emit(type: string): void {
    this.#synthetic = true;
    try { this.#host.video.dispatchEvent(new Event(type)); } finally { this.#synthetic = false; }
  }

  /** Paused: reload quietly just before the next segment's URL expires, so that play() finds fresh URLs. */
  #schedulePausedResign(): void {
    clearTimeout(this.#pauseTimer);
    const { video } = this.#host;
    if (!this.#started || this.#reload || !video.paused || video.ended || this.#pausedResigns >= PAUSED_RESIGNS || !this.#playlist) return;
    const exp = pendingExpiry(this.#playlist.segments, video);
    if (exp === undefined) return;
    const inMs = Math.max(0, (exp - MARGIN_S) * 1000 - Date.now());
    this.#pauseTimer = setTimeout(() => {
      if (this.#reload || !video.paused || video.ended) return;
      this.#pausedResigns += 1;
      this.#reloadNow('expiring');
    }, inMs);
  }

  /** Playing but waiting with no progress: if the next URL has expired, the request failed quietly (Safari). */
  #onWaiting(): void {
    if (this.#reload || !this.#started) return;
    this.#clearStall();
    const { video } = this.#host;
    const at = video.currentTime;
    this.#stallTimer = setTimeout(() => {
      if (this.#reload || video.paused || video.currentTime !== at) return;
      const exp = this.#playlist ? pendingExpiry(this.#playlist.segments, video) : undefined;
      if (exp === undefined || exp < Date.now() / 1000) this.#recover('stalled with expired segment URLs');
    }, STALL_RELOAD_MS);
  }

  #clearStall(): void { clearTimeout(this.#stallTimer); }
}
