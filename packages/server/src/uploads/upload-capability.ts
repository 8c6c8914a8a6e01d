/**
 * The upload URL is `/api/uploads/<id>.<key>`: the video id (public: it is in
 * every embed) plus a capability only the creator was given, so knowing an id
 * is not enough to read, resume or cancel its upload. The key is derived
 * statelessly (no table to keep or lose across restarts):
 * base64url(HMAC-SHA256(SLUICE_SECRET, "upload:" + id)) cut to 128 bits.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 16;
const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function uploadKey(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`upload:${id}`).digest().subarray(0, KEY_BYTES).toString('base64url');
}

/** The last path segment of an upload URL. */
export function uploadSegment(secret: string, id: string): string {
  return `${id}.${uploadKey(secret, id)}`;
}

/** The upload id a `<id>.<key>` segment grants, or undefined when the key does not match (checked in constant time). */
export function uploadIdFromSegment(secret: string, segment: string): string | undefined {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = segment.slice(0, dot);
  if (!ID.test(id)) return undefined;
  const given = Buffer.from(segment.slice(dot + 1));
  const expected = Buffer.from(uploadKey(secret, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

/** `/api/uploads/<id>.<key>` with the key replaced, for logs. */
export function redactUploadKeys(url: string): string {
  return url.replace(/(\/api\/uploads\/[^/?#.]+\.)[^/?#]+/g, '$1[redacted]');
}
