/**
 * An hls.js loader that makes expired signed URLs invisible to hls.js
 * (FINDINGS.md recipe): it wraps `Hls.DefaultConfig.loader`; on 403/410 it
 * re-signs the request from its playlist, patches `context.url` (and
 * `frag.url`) and retries inside the loader, so hls.js only sees a slightly
 * slower success — no error event, no level penalty, no MediaSource reset.
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats, LoaderResponse } from 'hls.js';
import { expiresWithin, type PlaylistResigner } from './playlist-resigner.js';
import { hasToken, resourceKey, withToken } from './signed-url.js';

export type RecoveryReason = 'expired' | 'forbidden' | 'token';

export interface ExpiryLoaderDeps {
  resigner: PlaylistResigner;
  /** The element's current JWT (replaces `?token=` in playlist URLs). */
  token(): string | undefined;
  /** JWT rejected: resolves with a new one (tokenProvider or `token-expired`). */
  renewToken(): Promise<string>;
  /** The master playlist URL, which lists (and re-signs) media playlist URLs. */
  masterUrl(): string | undefined;
  /** A failed request succeeded after re-signing, `stallMs` after it failed. */
  onRecovered(reason: RecoveryReason, stallMs: number): void;
  /** Seconds before `exp` at which a URL is refreshed before use. */
  marginS: number;
}

type LoaderCtor = new (config: HlsConfig) => Loader<LoaderContext>;
interface WithFrag { frag?: { url: string; baseurl: string } }

/**
 * Re-signs allowed per request: 410 is plain expiry; a 403 from a bucket may
 * be expiry too (S3, Azure), and GCS answers an expired V4 URL with 400
 * ExpiredToken: once each.
 */
const MAX_RESIGNS: Record<number, number> = { 410: 2, 403: 1, 401: 2, 400: 1 };

const newStats = (): LoaderStats => ({
  aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0,
  loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 },
});

export function createExpiryLoader(Base: LoaderCtor, deps: ExpiryLoaderDeps): LoaderCtor {
  return class ExpiryLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    // One stats object for every attempt: hls.js holds on to it (frag.stats).
    stats: LoaderStats = newStats();
    #hlsConfig: HlsConfig;
    #config: LoaderConfiguration | null = null;
    #callbacks: LoaderCallbacks<LoaderContext> | null = null;
    #inner: Loader<LoaderContext> | null = null;
    #done = false;
    #resigns = 0;
    #failedAt = 0;
    #reason: RecoveryReason = 'expired';

    constructor(config: HlsConfig) { this.#hlsConfig = config; }

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      // Set now, not per attempt: ABR's abandon rules read it, and a re-sign
      // wait must not look like a fresh, slow request.
      this.stats.loading.start = performance.now();
      this.context = context;
      this.#config = config;
      this.#callbacks = callbacks;
      void this.#prepare(context.url).then((url) => this.#attempt(url));
    }

    abort(): void {
      if (this.#done) return;
      this.#finish();
      this.stats.aborted = true;
      // Exactly one onAbort, whether a request or a playlist re-fetch is in flight.
      if (this.context) this.#callbacks?.onAbort?.(this.stats, this.context, null);
    }

    destroy(): void {
      this.#finish();
      this.#callbacks = null;
      this.context = null;
    }

    getCacheAge(): number | null { return this.#inner?.getCacheAge?.() ?? null; }
    getResponseHeader(name: string): string | null { return this.#inner?.getResponseHeader?.(name) ?? null; }

    #finish(): void {
      this.#done = true;
      const inner = this.#inner;
      this.#inner = null;
      if (inner) { inner.abort(); inner.destroy(); }
    }

    /** The frag's playlist for segments and keys; the master for media playlists. */
    #playlistOf(context: LoaderContext): string | undefined {
      const frag = (context as LoaderContext & WithFrag).frag;
      if (frag) return frag.baseurl;
      return context.type === 'manifest' ? undefined : deps.masterUrl();
    }

    /** Current token into `?token=`; a URL about to expire refreshed before use (proactive). */
    async #prepare(url: string): Promise<string> {
      if (hasToken(url)) return withToken(url, deps.token());
      const context = this.context;
      const playlist = context && this.#playlistOf(context);
      if (!playlist) return url;
      const known = deps.resigner.known(playlist, url);
      if (!expiresWithin(known, deps.marginS)) return known;
      try { return (await deps.resigner.resign(playlist, known, 'proactive')) ?? known; } catch { return known; }
    }

    #attempt(url: string): void {
      const context = this.context;
      if (this.#done || !context || !this.#config) return;
      const frag = (context as LoaderContext & WithFrag).frag;
      if (frag && context.type === 'media-fragment' && resourceKey(frag.url) === resourceKey(url)) frag.url = url;
      context.url = url;
      const inner = new Base(this.#hlsConfig);
      this.#inner = inner;
      const live = (): boolean => this.#inner === inner && !this.#done;
      inner.load(context, this.#config, {
        onSuccess: (response: LoaderResponse, stats, _ctx, details) => {
          if (!live()) return;
          this.#merge(stats);
          this.#done = true;
          if (this.#failedAt) deps.onRecovered(this.#reason, performance.now() - this.#failedAt);
          this.#callbacks?.onSuccess(response, this.stats, context, details);
        },
        onError: (error, _ctx, details, stats) => {
          if (!live()) return;
          this.#merge(stats);
          if (this.#resigns < (MAX_RESIGNS[error.code] ?? 0)) { void this.#resign(error.code, url); return; }
          this.#done = true;
          this.#callbacks?.onError(error, context, details, this.stats);
        },
        onTimeout: (stats, _ctx, details) => {
          if (!live()) return;
          this.#merge(stats);
          this.#done = true;
          this.#callbacks?.onTimeout(this.stats, context, details);
        },
        onProgress: (stats, _ctx, data, details) => {
          if (!live()) return;
          this.#merge(stats);
          this.#callbacks?.onProgress?.(this.stats, context, data, details);
        },
      });
    }

    async #resign(code: number, failed: string): Promise<void> {
      this.#resigns += 1;
      if (!this.#failedAt) this.#failedAt = performance.now();
      const context = this.context;
      let next: string | undefined;
      try {
        if (hasToken(failed) && code !== 400) {
          // 401/403 on a `?token=` URL: the JWT itself was rejected.
          this.#reason = 'token';
          next = withToken(failed, await deps.renewToken());
        } else if (code !== 401 && context) {
          this.#reason = code === 410 || code === 400 ? 'expired' : 'forbidden';
          const playlist = this.#playlistOf(context);
          next = playlist ? await deps.resigner.resign(playlist, failed) : undefined;
        }
      } catch { next = undefined; }
      if (this.#done || !context) return;
      if (next) { this.#attempt(next); return; }
      this.#done = true;
      this.#callbacks?.onError({ code, text: `HTTP ${code}: could not re-sign ${resourceKey(failed)}` }, context, null, this.stats);
    }

    #merge(s: LoaderStats): void {
      const t = this.stats;
      t.loaded = s.loaded; t.total = s.total; t.chunkCount = s.chunkCount; t.bwEstimate = s.bwEstimate;
      t.retry = Math.max(t.retry, s.retry);
      t.loading.first = Math.max(s.loading.first, t.loading.start);
      t.loading.end = Math.max(s.loading.end, t.loading.first);
    }
  };
}
