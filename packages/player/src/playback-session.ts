/**
 * One `src`: resolves it (Sluice status document, .m3u8 or .mp4), waits
 * while the video is processing, runs an engine, and moves to the MP4 when
 * HLS fails for good. Replaced as a whole when `src` changes.
 */
import { attachCaptionTracks, captionsOf, captionTracks, removeCaptionTracks } from './captions.js';
import { createHlsEngine, NativeEngine, type Engine, type EngineHost } from './engine.js';
import { PlayerError, PlayerErrors, type StreamFallbackDetail } from './events.js';
import { fetchStatus, followStatus, tokenUrl, type VideoStatus } from './status.js';

export interface SessionHost extends Omit<EngineHost, 'fatal'> {
  /** `start-time` attribute (seconds). */
  startTime(): number;
  status(doc: VideoStatus): void;
  error(code: string, message: string, fatal: boolean): void;
  fallback(detail: StreamFallbackDetail): void;
  engineChanged(engine: Engine | null): void;
}

export type SourceKind = 'sluice' | 'hls' | 'mp4';

/** By extension: playlists and files play directly; anything else is a Sluice status URL. */
export function sourceKind(src: string): SourceKind {
  const path = new URL(src, document.baseURI).pathname.toLowerCase();
  if (path.endsWith('.m3u8')) return 'hls';
  if (/\.(mp4|m4v|mov|webm|ogv)$/.test(path)) return 'mp4';
  return 'sluice';
}

export class PlaybackSession {
  engine: Engine | null = null;
  statusDoc: VideoStatus | null = null;
  readonly kind: SourceKind;
  readonly #src: string;
  readonly #host: SessionHost;
  #stopFollowing: (() => void) | undefined;
  #closed = false;
  #fellBack = false;
  #starting = false;

  constructor(src: string, host: SessionHost) {
    this.#src = src;
    this.#host = host;
    this.kind = sourceKind(src);
  }

  async start(): Promise<void> {
    try {
      if (this.kind === 'hls') await this.#startHls(this.#src, this.#host.startTime());
      else if (this.kind === 'mp4') this.#use(new NativeEngine('progressive', this.#src, this.#engineHost(), { startPosition: this.#host.startTime() }));
      else await this.#startSluice();
    } catch (e) {
      if (this.#closed) return;
      const err = e instanceof PlayerError ? e : new PlayerError(PlayerErrors.SOURCE, String(e), { cause: e });
      this.#host.error(err.code, err.message, true);
    }
  }

  close(): void {
    this.#closed = true;
    this.#stopFollowing?.();
    this.engine?.destroy();
    this.engine = null;
  }

  async #status(): Promise<VideoStatus> {
    try {
      return await fetchStatus(this.#src, this.#host.token());
    } catch (e) {
      // 401: the JWT was rejected — renew it (tokenProvider or token-expired) and ask again.
      if (!(e instanceof PlayerError) || e.status !== 401) throw e;
      await this.#host.renewToken().catch((cause: unknown) => {
        throw new PlayerError(PlayerErrors.TOKEN, 'The playback token was rejected and could not be renewed.', { cause });
      });
      return fetchStatus(this.#src, this.#host.token());
    }
  }

  async #startSluice(): Promise<void> {
    this.#onStatus(await this.#status());
    if (this.#closed || this.#final()) return;
    const follow = (): void => {
      this.#stopFollowing = followStatus(this.#src, this.#host.token(), (doc) => this.#onStatus(doc), () => {
        // The stream ended (or dropped): read the document once more, follow again if still moving.
        if (this.#closed || this.#final()) return;
        setTimeout(() => {
          if (this.#closed) return;
          this.#status().then((doc) => { this.#onStatus(doc); if (!this.#final()) follow(); }, () => follow());
        }, 1000);
      });
    };
    follow();
  }

  #final(): boolean {
    const s = this.statusDoc?.status;
    return s === 'ready' || s === 'failed';
  }

  #onStatus(doc: VideoStatus): void {
    if (this.#closed) return;
    this.statusDoc = doc;
    this.#host.status(doc);
    if (doc.status === 'failed') {
      this.#stopFollowing?.();
      this.#host.error(doc.error?.code ?? PlayerErrors.MEDIA, doc.error?.message ?? 'The video could not be processed.', true);
      return;
    }
    if (this.#final()) this.#stopFollowing?.();
    if (!this.engine && !this.#starting && doc.playable && doc.hls) {
      // While processing the playlists grow (EVENT): start at 0, not at the edge.
      const at = doc.status === 'ready' ? this.#host.startTime() : 0;
      this.#startHls(tokenUrl(doc.hls, this.#host.token()), at, true).catch((e: unknown) => this.#host.error(PlayerErrors.SOURCE, String(e), true));
    }
  }

  async #startHls(url: string, startPosition: number, sluice = false): Promise<void> {
    this.#starting = true;
    const engine = await createHlsEngine(url, this.#engineHost(), { startPosition, sluice }).finally(() => { this.#starting = false; });
    if (this.#closed) { engine?.destroy(); return; }
    if (engine) { this.#use(engine); return; }
    if (!await this.#fallback('unsupported: no MediaSource and no native HLS')) {
      this.#host.error(PlayerErrors.UNSUPPORTED, 'This browser can play neither HLS nor the MP4 fallback.', true);
    }
  }

  /** `token` changed: the engine re-signs what it has loaded with it. */
  tokenChanged(): void { this.engine?.tokenChanged(); }

  #use(engine: Engine): void {
    removeCaptionTracks(this.#host.video);
    this.engine = engine;
    if (engine.kind === 'native-hls') this.#captionsForNativeHls(engine);
    this.#host.engineChanged(engine);
  }

  /**
   * A browser HLS that does not expose the master's subtitle renditions
   * (Chromium's, unlike Safari's) gets the whole-file tracks of the status
   * document instead, as `<track>` elements.
   */
  #captionsForNativeHls(engine: Engine): void {
    const { video } = this.#host;
    video.addEventListener('loadedmetadata', () => {
      if (this.#closed || this.engine !== engine || captionTracks(video).length > 0) return;
      this.#attachCaptions(this.statusDoc);
    }, { once: true });
  }

  /** `<track>` elements for the status document's captions; a track whose signed URL failed is re-signed once from a fresh document. */
  #attachCaptions(doc: VideoStatus | null, retry = true): void {
    const tracks = attachCaptionTracks(this.#host.video, captionsOf(doc));
    let retried = !retry;
    for (const el of tracks) {
      el.addEventListener('error', () => {
        if (this.#closed || retried) return;
        retried = true;
        void this.#status().then((fresh) => { if (!this.#closed) { this.statusDoc = fresh; this.#attachCaptions(fresh, false); } }, () => undefined);
      }, { once: true });
    }
  }

  #engineHost(): EngineHost {
    const h = this.#host;
    return {
      video: h.video, token: () => h.token(), renewToken: () => h.renewToken(),
      recovered: (r, ms) => h.recovered(r, ms), resigned: (r, ms) => h.resigned(r, ms), levelsChanged: () => h.levelsChanged(),
      fatal: (reason) => this.#fatal(reason),
    };
  }

  #fatal(reason: string): void {
    if (this.#closed) return;
    if (this.engine?.kind === 'progressive') { this.#failed(reason); return; }
    // A fallback under way: the failing engine's later errors change nothing.
    if (this.#fellBack) return;
    void this.#fallback(reason).then((ok) => { if (!ok) this.#failed(reason); });
  }

  #failed(reason: string): void {
    if (!this.#closed) this.#host.error(PlayerErrors.NETWORK, `Playback failed: ${reason}`, true);
  }

  /**
   * Same position and play state on the MP4; false when there is none. The
   * status document is read again first: its `mp4` URL may have expired
   * since the page loaded.
   */
  async #fallback(reason: string): Promise<boolean> {
    const original = this.statusDoc?.status === 'ready' ? this.statusDoc.mp4 : undefined;
    if (this.#fellBack || !original) return false;
    this.#fellBack = true;
    const { video } = this.#host;
    const engine = this.engine;
    const held = engine?.held?.();
    const position = held?.currentTime ?? video.currentTime;
    const playing = held?.playing ?? !video.paused;
    const from = engine?.kind ?? 'hls.js';
    const fresh = await this.#status().catch(() => null);
    if (this.#closed) return true;
    if (fresh) this.statusDoc = fresh;
    const mp4 = fresh?.mp4 ?? original;
    engine?.destroy();
    this.#use(new NativeEngine('progressive', mp4, this.#engineHost(), { startPosition: position }));
    // The tracks' URLs come from the same fresh document as the MP4's.
    this.#attachCaptions(fresh ?? this.statusDoc);
    if (playing) video.play().catch(() => undefined);
    this.#host.fallback({ reason, from, to: mp4, position });
    return true;
  }
}
