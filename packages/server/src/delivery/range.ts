/**
 * Range header parsing, a line-by-line port of nginx 1.22's
 * ngx_http_range_parse() so both servers answer every header alike.
 * RFC 9110 §14.2 lets a server "ignore or reject a Range header field that
 * contains an invalid ranges-specifier"; nginx rejects (416), and so do we.
 */

import type { ByteRange } from '../storage/storage.js';

export type RangeResult =
  /** Send the whole representation (200), as if there were no Range header. */
  | { kind: 'whole' }
  | { kind: 'unsatisfiable' }
  | { kind: 'ranges'; ranges: ByteRange[] };

const WHOLE: RangeResult = { kind: 'whole' };
const UNSATISFIABLE: RangeResult = { kind: 'unsatisfiable' };
// off_t max: nginx answers 416 to any number above it.
const OFF_T_MAX = 9223372036854775807n;

/** True when nginx would look at this Range header at all: "bytes=" (any case) and something after it. */
export function isByteRangeHeader(header: string | undefined): header is string {
  return header !== undefined && header.length >= 7 && header.slice(0, 6).toLowerCase() === 'bytes=';
}

/**
 * Parses `header` for a representation of `size` bytes. `maxRanges` is
 * nginx's max_ranges (unlimited by default): more ranges than that → whole.
 */
export function parseRange(header: string | undefined, size: number, maxRanges = Infinity): RangeResult {
  if (!isByteRangeHeader(header)) return WHOLE;
  const s = header;
  const n = s.length;
  let p = 6;
  const ranges: ByteRange[] = [];
  let total = 0;
  let left = maxRanges;
  for (;;) {
    let start = 0;
    let end = 0;
    let suffix = false;
    let open = false;
    while (s.charCodeAt(p) === SPACE) p++;
    if (s.charCodeAt(p) !== DASH) {
      const from = p;
      while (isDigit(s.charCodeAt(p))) p++;
      if (p === from) return UNSATISFIABLE;
      start = toNumber(s, from, p);
      if (start < 0) return UNSATISFIABLE;
      while (s.charCodeAt(p) === SPACE) p++;
      if (s.charCodeAt(p++) !== DASH) return UNSATISFIABLE;
      while (s.charCodeAt(p) === SPACE) p++;
      if (p >= n || s.charCodeAt(p) === COMMA) {
        end = size;
        open = true;
      }
    } else {
      suffix = true;
      p++;
    }
    if (!open) {
      const from = p;
      while (isDigit(s.charCodeAt(p))) p++;
      if (p === from) return UNSATISFIABLE;
      end = toNumber(s, from, p);
      if (end < 0) return UNSATISFIABLE;
      while (s.charCodeAt(p) === SPACE) p++;
      if (p < n && s.charCodeAt(p) !== COMMA) return UNSATISFIABLE;
      if (suffix) {
        start = end < size ? size - end : 0;
        end = size - 1;
      }
      end = end >= size ? size : end + 1;
    }
    if (start < end) {
      // nginx keeps `end` exclusive while parsing; ranges leave inclusive (ByteRange).
      ranges.push({ start, end: end - 1 });
      total += end - start;
      if (left-- === 0) return WHOLE;
    } else if (start === 0) {
      // e.g. "bytes=0-" or "bytes=-5" on an empty file: nginx serves it whole.
      return WHOLE;
    }
    if (s.charCodeAt(p++) !== COMMA) break;
  }
  if (ranges.length === 0) return UNSATISFIABLE;
  // Overlapping ranges adding up to more than the file: nginx sends it whole.
  if (total > size) return WHOLE;
  return { kind: 'ranges', ranges };
}

const SPACE = 0x20;
const DASH = 0x2d;
const COMMA = 0x2c;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The decimal number s[from, to). Beyond 2^53 every value behaves like
 * "larger than the file", so it is clamped; beyond off_t nginx answers 416: -1.
 */
function toNumber(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (s.charCodeAt(i) - 0x30);
  if (v <= Number.MAX_SAFE_INTEGER) return v;
  return BigInt(s.slice(from, to)) > OFF_T_MAX ? -1 : Number.MAX_SAFE_INTEGER;
}
