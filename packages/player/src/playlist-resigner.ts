/**
 * Fresh signed URLs for stale ones, by re-fetching the playlist that listed
 * them (FINDINGS.md, "Seamless recovery from expired signed URLs"): one fetch
 * in flight per playlist URL, shared by every request that needs it, and the
 * answer kept so later requests for the same playlist start fresh.
 */
import { resourceKey, urlExpiry } from './signed-url.js';

/** GET a playlist; resolves with its text and final URL (after redirects). */
export type FetchPlaylist = (url: string) => Promise<{ text: string; url: string }>;

// RFC 8216 tags whose URI attribute names a resource a player loads.
const URI_ATTR = /^#EXT-X-(?:MAP|KEY|PART|PRELOAD-HINT|MEDIA|I-FRAME-STREAM-INF|SESSION-KEY)\b.*?\bURI="([^"]+)"/;

/** resourceKey → absolute URL, for every URI a playlist lists. */
export function playlistUris(text: string, base: string): Map<string, string> {
  const out = new Map<string, string>();
  const add = (uri: string): void => {
    try {
      const abs = new URL(uri, base).href;
      out.set(resourceKey(abs), abs);
    } catch { /* not a URL: ignore the line */ }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = URI_ATTR.exec(line);
      if (m?.[1]) add(m[1]);
    } else add(line);
  }
  return out;
}

/** True when `url` expires within `marginS` seconds (false when it has no expiry). */
export function expiresWithin(url: string, marginS: number, nowMs = Date.now()): boolean {
  const exp = urlExpiry(url);
  return exp !== undefined && exp - nowMs / 1000 < marginS;
}

/** Why a playlist was re-fetched: a URL about to expire (before use) or one that already failed. */
export type RefetchCause = 'proactive' | 'reactive';

export class PlaylistResigner {
  /** Playlist re-fetches done so far (each shared by all waiting requests). */
  refetches = 0;
  /** Called when a re-fetch starts (once per fetch, however many requests share it). */
  onRefetch: ((cause: RefetchCause) => void) | undefined;
  readonly #entries = new Map<string, Map<string, string>>();
  readonly #inflight = new Map<string, Promise<Map<string, string>>>();
  readonly #fetch: FetchPlaylist;
  readonly #marginS: number;

  constructor(fetchPlaylist: FetchPlaylist, marginS: number) {
    this.#fetch = fetchPlaylist;
    this.#marginS = marginS;
  }

  /** The freshest URL known for `url` (listed by `playlistUrl`), without fetching. */
  known(playlistUrl: string, url: string): string {
    const fresh = this.#entries.get(resourceKey(playlistUrl))?.get(resourceKey(url));
    if (!fresh || fresh === url) return url;
    return (urlExpiry(fresh) ?? Infinity) >= (urlExpiry(url) ?? 0) ? fresh : url;
  }

  /**
   * A fresh URL for `stale`, re-fetching `playlistUrl` unless a previous
   * fetch already produced a different URL that is not about to expire.
   * Resolves undefined when the playlist no longer lists the resource.
   */
  async resign(playlistUrl: string, stale: string, cause: RefetchCause = 'reactive'): Promise<string | undefined> {
    const key = resourceKey(playlistUrl);
    const cached = this.#entries.get(key)?.get(resourceKey(stale));
    if (cached && cached !== stale && !expiresWithin(cached, this.#marginS)) return cached;
    return (await this.#refetch(playlistUrl, cause)).get(resourceKey(stale));
  }

  /** Re-fetches `playlistUrl` now (e.g. with a new token), unless a fetch is already in flight. */
  async refresh(playlistUrl: string): Promise<void> {
    await this.#refetch(playlistUrl, 'proactive', true);
  }

  #refetch(playlistUrl: string, cause: RefetchCause, quiet = false): Promise<Map<string, string>> {
    const key = resourceKey(playlistUrl);
    let pending = this.#inflight.get(key);
    if (!pending) {
      this.refetches += 1;
      if (!quiet) this.onRefetch?.(cause);
      pending = this.#fetch(playlistUrl)
        .then(({ text, url }) => {
          const uris = playlistUris(text, url);
          this.#entries.set(key, uris);
          return uris;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }
}
