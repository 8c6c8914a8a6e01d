/**
 * Media URL paths → file paths. Refuses anything that could name a file
 * outside the media root before any file is touched: `.`/`..` and other dot-name segments
 * (also percent-encoded), encoded slashes, backslashes, NUL, empty segments
 * (absolute paths such as /media//etc/passwd) and malformed escapes.
 */
import { MEDIA_URL_PREFIX } from '../storage/media-keys.js';

export const MEDIA_PREFIX = MEDIA_URL_PREFIX;

export interface MediaPath {
  /** Decoded URL path, e.g. /media/abc/hls/720p/seg_1.m4s: what URLs are signed for. */
  readonly urlPath: string;
  /** Decoded path relative to the media root, '/'-separated, e.g. abc/hls/720p/seg_1.m4s. */
  readonly relative: string;
}

/** `rawPath` is the URL path as received (no query). Returns null when it is not allowed. */
export function parseMediaPath(rawPath: string): MediaPath | null {
  if (!rawPath.startsWith(MEDIA_PREFIX)) return null;
  const rest = rawPath.slice(MEDIA_PREFIX.length);
  if (rest.includes('\\')) return null;
  if (!rest.includes('%')) {
    // Fast path: nothing encoded.
    for (const seg of rest.split('/')) if (!segmentOk(seg)) return null;
    return { urlPath: rawPath, relative: rest };
  }
  const decoded: string[] = [];
  for (const raw of rest.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!segmentOk(seg) || seg.includes('/') || seg.includes('\\')) return null;
    decoded.push(seg);
  }
  const relative = decoded.join('/');
  return { urlPath: MEDIA_PREFIX + relative, relative };
}

function segmentOk(seg: string): boolean {
  // Dot-names cover . and .. and also work folders and temp files (.work/, .tmp-*) never published.
  return seg !== '' && seg[0] !== '.' && !seg.includes('\0');
}
