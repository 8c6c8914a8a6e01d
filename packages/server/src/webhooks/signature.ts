/**
 * `Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * — the scheme Stripe and Mux use: the timestamp is signed with the body, so a
 * receiver checks authenticity and freshness (a replayed request is refused
 * once it is older than the tolerance). Several `v1=` may appear (secret
 * rotation): one match is enough.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Sluice-Signature';

export interface VerifyWebhookOptions {
  /** Largest accepted distance between the signed timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Now, in milliseconds (tests, clocks). */
  now?: number;
}

const hmacHex = (secret: string, t: number, body: string | Uint8Array): string =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

/**
 * The `Sluice-Signature` value for a raw body, signed now (or at `timestamp`, unix seconds).
 * Several secrets give several `v1=` (sign with the old and the new one while receivers rotate).
 */
export function signWebhookPayload(rawBody: string | Uint8Array, secret: string | readonly string[], timestamp = Math.floor(Date.now() / 1000)): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, timestamp, rawBody)}`)].join(',');
}

/**
 * True when `header` (the `Sluice-Signature` value) carries a `v1` signature
 * of exactly `rawBody` (the bytes received, before any JSON parsing) made
 * with `secret`, at a timestamp within `toleranceSeconds` of now. Compared in
 * constant time. Any malformed header is simply false.
 */
export function verifyWebhookSignature(rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options: VerifyWebhookOptions = {}): boolean {
  if (!header || !secret) return false;
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined || candidates.length === 0) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - t) > tolerance) return false;
  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  let match = false;
  // Every candidate is compared (no early exit), each in constant time on equal-length buffers.
  for (const c of candidates) if (c.length === expected.length && timingSafeEqual(c, expected)) match = true;
  return match;
}
