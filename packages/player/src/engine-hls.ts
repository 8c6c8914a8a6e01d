/**
 * The hls.js engine: MSE playback with the expiry-recovering loader, a
 * finite back buffer, and fatal errors handed to the element (→ MP4).
 * Lives in the lazy chunk with hls.js itself.
 */
import type Hls from 'hls.js';
import type { ErrorData, HlsConfig, LoaderContext, Loader } from 'hls.js';
import type { Engine, EngineHost, EngineOptions, QualityLevel } from './engine.js';
import { createExpiryLoader } from './expiry-loader.js';
import { PlaylistResigner } from './playlist-resigner.js';
import { hasToken, withToken } from './signed-url.js';

/** Seconds before `exp` at which a URL is re-signed before use (FINDINGS: proactive → zero 410s). */
const REFRESH_MARGIN_S = 1;
/** VOD back buffer: enough to seek back a little without re-downloading, bounded memory. */
const BACK_BUFFER_S = 30;
/**
 * Forward buffer cap. hls.js otherwise buffers up to maxBufferSize (60 MB)
 * worth of seconds — all of a low-bitrate video — downloading bytes a
 * viewer who leaves never watches.
 */
const FORWARD_BUFFER_S = 30;

type HlsClass = typeof Hls;

export class HlsJsEngine implements Engine {
  readonly kind = 'hls.js';
  levels: readonly QualityLevel[] = [];
  readonly #hls: Hls;
  readonly #host: EngineHost;
  readonly #resigner: PlaylistResigner;
  #mediaRecoveries = 0;

  constructor(HlsCtor: HlsClass, url: string, host: EngineHost, options: EngineOptions) {
    this.#host = host;
    const master = url;
    this.#resigner = new PlaylistResigner((u) => this.#fetchPlaylist(u), REFRESH_MARGIN_S);
    // A re-fetch before anything failed costs no stall: hls.js keeps playing from its buffer.
    this.#resigner.onRefetch = (cause) => { if (cause === 'proactive') host.resigned('expiring', 0); };
    const defaults = HlsCtor.DefaultConfig;
    const Loader = createExpiryLoader(defaults.loader as new (c: HlsConfig) => Loader<LoaderContext>, {
      resigner: this.#resigner,
      token: () => host.token(),
      renewToken: () => host.renewToken(),
      masterUrl: () => withToken(master, host.token()),
      onRecovered: (reason, stallMs) => host.recovered(reason, stallMs),
      marginS: REFRESH_MARGIN_S,
    });
    const frag = defaults.fragLoadPolicy.default;
    this.#hls = new HlsCtor({
      loader: Loader,
      // A playlist still growing (EVENT, no ENDLIST) looks live to hls.js:
      // start where asked (0), never at the live edge.
      startPosition: options.startPosition,
      backBufferLength: BACK_BUFFER_S,
      maxBufferLength: FORWARD_BUFFER_S,
      maxMaxBufferLength: FORWARD_BUFFER_S,
      // Give up sooner on a broken origin so the MP4 fallback comes quickly.
      fragLoadPolicy: { default: { ...frag, errorRetry: { maxNumRetry: 3, retryDelayMs: 500, maxRetryDelayMs: 4000 } } },
    });
    const hls = this.#hls;
    const { Events } = HlsCtor;
    hls.on(Events.MANIFEST_PARSED, () => {
      this.levels = hls.levels.map((l, index) => ({
        index, width: l.width, height: l.height, bitrate: l.bitrate,
        name: l.name && !/^\d+$/.test(l.name) ? l.name : l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbps`,
      }));
      host.levelsChanged();
    });
    hls.on(Events.LEVEL_SWITCHED, () => host.levelsChanged());
    hls.on(Events.ERROR, (_e, data) => this.#onError(data, HlsCtor));
    hls.attachMedia(host.video);
    hls.loadSource(url);
  }

  get currentLevel(): number { return this.#hls.currentLevel; }
  get level(): number { return this.#hls.manualLevel; }
  set level(index: number) {
    // nextLevel: switch at the next fragment, keeping what is buffered now.
    this.#hls.nextLevel = index;
    this.#host.levelsChanged();
  }
  get refetches(): number { return this.#resigner.refetches; }

  /**
   * The loader and resigner read the token on every request; re-fetching
   * the playing level's playlist now re-signs its URLs under the new token.
   */
  tokenChanged(): void {
    const level = this.#hls.levels[this.#hls.currentLevel];
    if (!level) return;
    void this.#resigner.refresh(level.uri).then(() => this.#host.resigned('token', 0), () => undefined);
  }

  destroy(): void { this.#hls.destroy(); }

  #onError(data: ErrorData, HlsCtor: HlsClass): void {
    if (!data.fatal) return;
    // hls.js documents one recoverMediaError() as the cure for a decode hiccup.
    if (data.type === HlsCtor.ErrorTypes.MEDIA_ERROR && this.#mediaRecoveries < 1) {
      this.#mediaRecoveries += 1;
      this.#hls.recoverMediaError();
      return;
    }
    this.#host.fatal(data.details);
  }

  /** Playlist GET for re-signing; a rejected JWT is renewed once. */
  async #fetchPlaylist(url: string): Promise<{ text: string; url: string }> {
    let target = withToken(url, this.#host.token());
    for (let attempt = 0; ; attempt += 1) {
      const res = await fetch(target, { cache: 'no-store' });
      if (res.ok) return { text: await res.text(), url: res.url || target };
      if (attempt === 0 && hasToken(target) && (res.status === 401 || res.status === 403)) {
        target = withToken(target, await this.#host.renewToken());
        continue;
      }
      throw new Error(`GET playlist answered ${res.status}`);
    }
  }
}
