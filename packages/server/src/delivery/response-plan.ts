/**
 * Decides what a GET/HEAD of a media file answers, from its validators and
 * the request headers, in nginx's order: preconditions (412/304) first,
 * then Range (206/416, honoured only for a 200 and when If-Range allows).
 * Pure: no I/O, so every branch is unit-testable.
 */
import { evaluatePreconditions, ifRangeAllows, type ConditionalHeaders } from './conditional.js';
import type { CachedFile } from './file-cache.js';
import type { ByteRange } from '../storage/storage.js';
import { isByteRangeHeader, parseRange } from './range.js';

/** Media files are published once and never rewritten in place. */
export const IMMUTABLE = 'private, max-age=31536000, immutable';
/** A file still being written (modified within the settle window) must not be cached. */
export const GROWING = 'no-cache';

export type BodyItem = Buffer | ByteRange;

export type ResponsePlan =
  | { status: 304 | 412 | 416; headers: Record<string, string> }
  | { status: 200 | 206; headers: Record<string, string>; body: BodyItem[]; length: number };

export interface RequestHeaders extends ConditionalHeaders {
  range?: string | undefined;
}

let boundarySeq = Math.floor(Math.random() * 1e12);

/** 20 digits, the length nginx uses (%0muA), so multipart Content-Length agrees with nginx too. */
function nextBoundary(): string {
  boundarySeq = (boundarySeq + 1) % 1e15;
  return String(boundarySeq).padStart(20, '0');
}

export function planResponse(h: RequestHeaders, file: CachedFile): ResponsePlan {
  const validators = { etag: file.etag, lastModified: file.mtime };
  const cacheControl = file.young ? GROWING : IMMUTABLE;
  const pre = evaluatePreconditions(h, validators);
  if (pre === 'failed') return { status: 412, headers: { 'cache-control': 'no-store' } };
  if (pre === 'not-modified') {
    return { status: 304, headers: { etag: file.etag, 'last-modified': file.lastModified, 'cache-control': cacheControl } };
  }
  const size = file.size;
  if (!isByteRangeHeader(h.range) || !ifRangeAllows(h['if-range'], validators)) return whole(file, cacheControl);
  const parsed = parseRange(h.range, size);
  if (parsed.kind === 'whole') return whole(file, cacheControl);
  if (parsed.kind === 'unsatisfiable') {
    // RFC 9110 §15.5.17: "a Content-Range header field with an unsatisfied-range value".
    return { status: 416, headers: { 'content-range': `bytes */${size}`, 'cache-control': 'no-store' } };
  }
  const { ranges } = parsed;
  if (ranges.length > 1) return multipart(file, cacheControl, ranges);
  const r = ranges[0]!;
  // One literal per shape (no spreads): this runs on every request.
  return {
    status: 206,
    headers: {
      'content-type': file.contentType, 'last-modified': file.lastModified, etag: file.etag, 'accept-ranges': 'bytes',
      'cache-control': cacheControl, 'content-disposition': 'inline',
      'content-range': `bytes ${r.start}-${r.end}/${size}`, 'content-length': String(r.end - r.start + 1),
    },
    body: ranges, length: r.end - r.start + 1,
  };
}

function whole(file: CachedFile, cacheControl: string): ResponsePlan {
  return {
    status: 200,
    headers: {
      'content-type': file.contentType, 'last-modified': file.lastModified, etag: file.etag, 'accept-ranges': 'bytes',
      'cache-control': cacheControl, 'content-disposition': 'inline', 'content-length': String(file.size),
    },
    body: file.size > 0 ? [{ start: 0, end: file.size - 1 }] : [], length: file.size,
  };
}

/** multipart/byteranges laid out byte for byte like nginx's range filter. */
function multipart(file: CachedFile, cacheControl: string, ranges: ByteRange[]): ResponsePlan {
  const { size, contentType: type } = file;
  const boundary = nextBoundary();
  const body: BodyItem[] = [];
  let length = 0;
  for (const r of ranges) {
    const head = Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`, 'latin1');
    body.push(head, r);
    length += head.length + (r.end - r.start + 1);
  }
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  body.push(tail);
  length += tail.length;
  return {
    status: 206,
    headers: {
      'content-type': `multipart/byteranges; boundary=${boundary}`, 'last-modified': file.lastModified, etag: file.etag,
      'accept-ranges': 'bytes', 'cache-control': cacheControl, 'content-disposition': 'inline', 'content-length': String(length),
    },
    body, length,
  };
}
