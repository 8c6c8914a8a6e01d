/**
 * The query of `GET /api/videos/:id/thumbnail.{jpg,webp}`: `time` (seconds)
 * and `width` (pixels), read strictly. Malformed → 400; out of range is
 * clamped later, against the video (thumbnail-plan.ts), never refused.
 */
import { SluiceError } from '../errors.js';

export type ThumbnailFormat = 'jpg' | 'webp';

export const THUMBNAIL_FORMATS: readonly ThumbnailFormat[] = ['jpg', 'webp'];

export const CONTENT_TYPES: Record<ThumbnailFormat, string> = { jpg: 'image/jpeg', webp: 'image/webp' };

/** Narrowest and widest thumbnail drawn; a wider request gets the widest (never wider than the largest rendition). */
export const MIN_WIDTH = 32;
export const MAX_WIDTH = 1920;
/** Width when the query has none. */
export const DEFAULT_WIDTH = 640;

export interface ThumbnailQuery {
  /** Seconds; undefined: the poster time. */
  time: number | undefined;
  /** Pixels as asked, before clamping; undefined: DEFAULT_WIDTH. */
  width: number | undefined;
}

// Plain decimals only: no sign, exponent, `Infinity`, `NaN` or unit; digit counts bound the values (< 10⁷ s, < 10⁷ px).
const TIME = /^\d{1,7}(?:\.\d{1,6})?$/;
const WIDTH = /^\d{1,7}$/;

function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new SluiceError('SLUICE_ERR_THUMBNAIL_INVALID', `The ${name} query parameter must appear once.`);
  return v;
}

export function parseThumbnailQuery(query: Record<string, unknown> | undefined): ThumbnailQuery {
  const q = query ?? {};
  const time = one(q, 'time');
  const width = one(q, 'width');
  if (time !== undefined && !TIME.test(time)) {
    throw new SluiceError('SLUICE_ERR_THUMBNAIL_INVALID', 'time must be a non-negative number of seconds written as a plain decimal, like 12.5.');
  }
  if (width !== undefined && !WIDTH.test(width)) {
    throw new SluiceError('SLUICE_ERR_THUMBNAIL_INVALID', 'width must be a whole number of pixels, like 480.');
  }
  return { time: time === undefined ? undefined : Number(time), width: width === undefined ? undefined : Number(width) };
}

/**
 * The parameters a signed thumbnail URL covers, written one way whatever
 * the spelling asked (`12.50` = `12.5`), so a signature binds the picture
 * and cannot be re-used for another time or width.
 */
export function canonicalQuery(q: ThumbnailQuery): string {
  return `time=${q.time === undefined ? '' : String(q.time)}&width=${q.width === undefined ? '' : String(q.width)}`;
}

/** Even (4:2:0 needs it), within [MIN_WIDTH, MAX_WIDTH] and no wider than `largest` (the widest rendition). */
export function clampWidth(requested: number | undefined, largest: number): number {
  const upper = Math.max(2, Math.min(MAX_WIDTH, largest));
  const w = Math.min(upper, Math.max(MIN_WIDTH, requested ?? DEFAULT_WIDTH));
  return Math.max(2, w - (w % 2));
}
