/**
 * One small adapter over the ways a browser can play a stream: hls.js on
 * MSE/ManagedMediaSource, the browser's own HLS (Safari/iOS), progressive MP4.
 */
import type { RecoveryReason } from './expiry-loader.js';

export type EngineKind = 'hls.js' | 'native-hls' | 'progressive';

/** A rendition as the quality menu shows it. */
export interface QualityLevel { index: number; name: string; width: number; height: number; bitrate: number }

/** What an engine needs from the element that runs it. */
export interface EngineHost {
  readonly video: HTMLVideoElement;
  token(): string | undefined;
  renewToken(): Promise<string>;
  recovered(reason: RecoveryReason, stallMs: number): void;
  /** URLs were re-signed before they failed (`expiring`) or for a new token (`token`); `stallMs` of playback it cost. */
  resigned(reason: ResignReason, stallMs: number): void;
  /** HLS cannot continue (`reason` is a hls.js error detail or a short phrase). */
  fatal(reason: string): void;
  /** Levels or the current level changed: re-render the quality menu. */
  levelsChanged(): void;
}

/** What a reloading engine reports instead of the reloading `<video>`'s state. */
export interface HeldState { currentTime: number; duration: number; playing: boolean }

/** Why URLs were re-signed ahead of a failure. */
export type ResignReason = 'expiring' | 'token';

export interface EngineOptions {
  /** Where to start (seconds); 0 for a playlist still growing, not its live edge. */
  startPosition: number;
  /** The URL is a Sluice master playlist: the native engine may ask for `expiry=linear` playlists. */
  sluice?: boolean;
}

export interface Engine {
  readonly kind: EngineKind;
  readonly levels: readonly QualityLevel[];
  /** Index of the level playing now, -1 if unknown. */
  readonly currentLevel: number;
  /** Chosen level, -1 for automatic (ABR). */
  level: number;
  /** Playlist re-fetches made to re-sign expired URLs. */
  readonly refetches: number;
  /** `token` changed: re-sign what is loaded with it (hls.js: re-fetch the playlist; native: seamless reload). */
  tokenChanged(): void;
  /** While the engine reloads its source: the state the page should keep seeing. */
  held?(): HeldState | undefined;
  /** True for a media event the engine handles itself; the element does not re-dispatch it. */
  absorbs?(e: Event): boolean;
  destroy(): void;
}

const HLS_TYPE = 'application/vnd.apple.mpegurl';

/** MSE or ManagedMediaSource present: the one test that picks hls.js (never canPlayType). */
export const hasMse = (): boolean => typeof self !== 'undefined' && ('MediaSource' in self || 'ManagedMediaSource' in self);

let hlsModule: Promise<typeof import('hls.js')> | undefined;
/** hls.js, imported on first use into its own chunk. */
export const loadHls = (): Promise<typeof import('hls.js')> => (hlsModule ??= import('hls.js'));

/**
 * Picks the engine for an HLS URL: hls.js wherever it is supported (Chromium
 * also answers "maybe" to canPlayType(HLS), so that answer decides nothing
 * while MSE exists); the browser's HLS where MSE is missing; else null.
 */
export async function createHlsEngine(url: string, host: EngineHost, options: EngineOptions): Promise<Engine | null> {
  if (hasMse()) {
    const mod = await loadHls();
    if (mod.default.isSupported()) {
      const { HlsJsEngine } = await import('./engine-hls.js');
      return new HlsJsEngine(mod.default, url, host, options);
    }
  }
  if (host.video.canPlayType(HLS_TYPE)) {
    const { NativeHlsEngine } = await import('./engine-native.js');
    return new NativeHlsEngine(options.sluice ? linearUrl(url) : url, host, options);
  }
  return null;
}

/** A Sluice master URL asking for playlists whose URLs expire along a straight-through viewing (see engine-native.ts). */
export function linearUrl(url: string): string {
  try {
    const u = new URL(url);
    u.searchParams.set('expiry', 'linear');
    return u.href;
  } catch {
    return url;
  }
}

/** The browser plays a progressive file (the MP4 fallback, or an .mp4 `src`). */
export class NativeEngine implements Engine {
  readonly levels: readonly QualityLevel[] = [];
  readonly currentLevel = -1;
  readonly refetches = 0;
  level = -1;
  readonly kind: EngineKind;
  readonly #host: EngineHost;
  readonly #onError = (): void => {
    const e = this.#host.video.error;
    this.#host.fatal(e ? `media error ${e.code}${e.message ? `: ${e.message}` : ''}` : 'media error');
  };

  constructor(kind: EngineKind, url: string, host: EngineHost, options: EngineOptions) {
    this.kind = kind;
    this.#host = host;
    const { video } = host;
    video.addEventListener('error', this.#onError);
    // A media fragment (`#t=`) starts there before the first frame is shown.
    video.src = options.startPosition > 0 && !url.includes('#') ? `${url}#t=${options.startPosition}` : url;
  }

  tokenChanged(): void {
    // A progressive URL is signed, not tokenised: a new token changes nothing it loads.
  }

  destroy(): void {
    const { video } = this.#host;
    video.removeEventListener('error', this.#onError);
    video.removeAttribute('src');
    video.load();
  }
}
