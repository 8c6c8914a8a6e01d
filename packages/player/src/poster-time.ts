/**
 * `poster-time`: the poster is the server's thumbnail at that time
 * (`GET /api/videos/:id/thumbnail.jpg?time=&width=`), as wide as the element
 * draws it on this screen, snapped to a few widths so that players of
 * similar sizes share the server's cache (and the browser's).
 */
import type { VideoStatus } from './status.js';

const WIDTHS = [160, 320, 480, 640, 960, 1280, 1920];

/** The smallest listed width that covers `cssWidth` × `dpr` device pixels (640 before layout). */
export function posterWidth(cssWidth: number, dpr: number): number {
  const need = cssWidth > 0 ? cssWidth * (dpr > 0 ? dpr : 1) : 640;
  return WIDTHS.find((w) => w >= need) ?? WIDTHS[WIDTHS.length - 1]!;
}

/** The status document's thumbnail URL at `time` seconds and `width`, with `token` when given; '' when the status has none. */
export function thumbnailPoster(status: VideoStatus | null, token: string, time: number, width: number): string {
  if (!status?.thumbnail || !(time >= 0)) return '';
  const u = new URL(status.thumbnail, document.baseURI);
  if (token) u.searchParams.set('token', token);
  u.searchParams.set('time', String(time));
  u.searchParams.set('width', String(width));
  return u.href;
}
