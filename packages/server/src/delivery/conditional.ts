/**
 * Conditional requests (RFC 9110 §13) evaluated the way nginx 1.22's
 * not_modified filter does, so both servers agree on 200/304/412:
 * - If-Unmodified-Since / If-Match fail → 412;
 * - If-Modified-Since must equal Last-Modified exactly (nginx
 *   `if_modified_since exact`), and when both If-Modified-Since and
 *   If-None-Match are sent, both must say "not modified" for a 304;
 * - If-Range: a quoted value is compared byte for byte with the strong
 *   ETag (so a weak W/"…" never matches); a date must equal Last-Modified.
 */
import { parseHttpDate } from './http-date.js';

export interface Validators {
  /** Strong entity tag, quoted. */
  etag: string;
  /** Last-Modified, unix seconds. */
  lastModified: number;
}

export interface ConditionalHeaders {
  'if-match'?: string | undefined;
  'if-none-match'?: string | undefined;
  'if-modified-since'?: string | undefined;
  'if-unmodified-since'?: string | undefined;
  'if-range'?: string | undefined;
}

export type Precondition = 'proceed' | 'not-modified' | 'failed';

/** Port of ngx_http_test_if_match(): a comma list of tags, `*`, optional weak comparison. */
function etagListMatches(list: string, etag: string, weak: boolean): boolean {
  if (list === '*') return true;
  const tag = weak && etag.startsWith('W/') ? etag.slice(2) : etag;
  let i = 0;
  while (i < list.length) {
    if (weak && list.length - i > 2 && list.startsWith('W/', i)) i += 2;
    if (tag.length > list.length - i) return false;
    if (list.startsWith(tag, i)) {
      let j = i + tag.length;
      while (list[j] === ' ' || list[j] === '\t') j++;
      if (j === list.length || list[j] === ',') return true;
    }
    while (i < list.length && list[i] !== ',') i++;
    while (list[i] === ' ' || list[i] === '\t' || list[i] === ',') i++;
  }
  return false;
}

export function evaluatePreconditions(h: ConditionalHeaders, v: Validators): Precondition {
  const ius = h['if-unmodified-since'];
  if (ius !== undefined && !((parseHttpDate(ius) ?? -1) >= v.lastModified)) return 'failed';
  const im = h['if-match'];
  if (im !== undefined && !etagListMatches(im, v.etag, false)) return 'failed';
  const ims = h['if-modified-since'];
  const inm = h['if-none-match'];
  if (ims === undefined && inm === undefined) return 'proceed';
  if (ims !== undefined && parseHttpDate(ims) !== v.lastModified) return 'proceed';
  if (inm !== undefined && !etagListMatches(inm, v.etag, true)) return 'proceed';
  return 'not-modified';
}

/** Whether a Range may be honoured given If-Range (RFC 9110 §13.1.5, strong comparison). */
export function ifRangeAllows(ifRange: string | undefined, v: Validators): boolean {
  if (ifRange === undefined) return true;
  if (ifRange.length >= 2 && ifRange.endsWith('"')) return ifRange === v.etag;
  return parseHttpDate(ifRange) === v.lastModified;
}
