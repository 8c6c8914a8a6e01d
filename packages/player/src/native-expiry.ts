/**
 * What the browser's own HLS will need next and when its URL expires. The
 * native engine cannot see its requests, so it reads the playlists once
 * itself (same URLs, same signatures as the browser got, give or take the
 * second between the two fetches) to know when a paused viewer's next
 * segment is about to expire.
 */
import { urlExpiry } from './signed-url.js';

/** One segment of a media playlist: its playlist time span and the expiry of its URL (unix seconds). */
export interface SegmentExpiry { start: number; end: number; exp: number | undefined }

const get = async (url: string): Promise<{ text: string; url: string }> => {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return { text: await res.text(), url: res.url || url };
};

/** Segments of a media playlist text with the expiry of each URI (RFC 8216 §4.3.2.1 EXTINF). */
export function segmentExpiries(text: string, base: string): SegmentExpiry[] {
  const out: SegmentExpiry[] = [];
  let at = 0;
  let duration = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Math.max(0, Number.parseFloat(line.slice(8)) || 0);
    else if (line && !line.startsWith('#')) {
      let exp: number | undefined;
      try { exp = urlExpiry(new URL(line, base).href); } catch { exp = undefined; }
      out.push({ start: at, end: at + duration, exp });
      at += duration;
      duration = 0;
    }
  }
  return out;
}

/** A media playlist as the native engine reads it: its segments, and whether it is complete (ENDLIST). */
export interface PlaylistView { segments: SegmentExpiry[]; complete: boolean }

/**
 * The first variant's segments for a master (or media) playlist URL, or
 * null when they cannot be read (CORS, network): then only the reactive
 * path (media error, stall) protects the viewer.
 */
export async function readExpiries(masterUrl: string): Promise<PlaylistView | null> {
  try {
    let media = await get(masterUrl);
    if (!/#EXTINF:/.test(media.text)) {
      const variant = media.text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
      if (!variant) return null;
      media = await get(new URL(variant, media.url).href);
    }
    // RFC 8216 §4.3.3.4: no more segments will be added once EXT-X-ENDLIST is present.
    return { segments: segmentExpiries(media.text, media.url), complete: /^#EXT-X-ENDLIST\b/m.test(media.text) };
  } catch {
    return null;
  }
}

/**
 * Expiry (unix seconds) of the next segment the video will have to fetch:
 * the one after what is buffered around `currentTime`. Undefined when
 * everything to the end is buffered or the expiry is unknown.
 */
export function pendingExpiry(segments: readonly SegmentExpiry[], video: Pick<HTMLMediaElement, 'currentTime' | 'buffered'>): number | undefined {
  const t = video.currentTime;
  let edge = t;
  const b = video.buffered;
  for (let i = 0; i < b.length; i += 1) if (b.start(i) <= t + 0.1 && b.end(i) >= t) edge = Math.max(edge, b.end(i));
  return segments.find((s) => s.end > edge + 0.05)?.exp;
}
