/**
 * Checks a V4 signed XML-API request the way GCS documents it
 * (https://cloud.google.com/storage/docs/authentication/canonical-requests):
 * rebuild the canonical request from the URL and headers, hash it into the
 * string-to-sign, verify the RSA-SHA256 signature with the service account's
 * public key, then the X-Goog-Date + X-Goog-Expires window. Answers the way
 * GCS does: 400 ExpiredToken for an expired URL, 403 SignatureDoesNotMatch
 * for a wrong signature.
 */
import { createHash, createVerify, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type SignedCheck = { ok: true } | { ok: false; status: number; code: string; message: string };

/** RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - . _ ~), '/' included. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "20190201T090000Z" → ms since epoch. */
function parseGoogDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

export function checkSignedRequest(req: IncomingMessage, publicKey: KeyObject, clientEmail: string, now = Date.now()): SignedCheck {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const bad = (status: number, code: string, message: string): SignedCheck => ({ ok: false, status, code, message });

  if (params.get('X-Goog-Algorithm') !== 'GOOG4-RSA-SHA256') return bad(400, 'InvalidArgument', 'X-Goog-Algorithm must be GOOG4-RSA-SHA256');
  const credential = params.get('X-Goog-Credential') ?? '';
  const [email, datestamp, location, service, terminator] = credential.split('/');
  if (email !== clientEmail || service !== 'storage' || terminator !== 'goog4_request') return bad(403, 'AccessDenied', `unknown credential ${credential}`);
  const dateISO = params.get('X-Goog-Date') ?? '';
  const start = parseGoogDate(dateISO);
  const expires = Number(params.get('X-Goog-Expires'));
  if (!Number.isFinite(start) || !Number.isInteger(expires) || dateISO.slice(0, 8) !== datestamp) {
    return bad(400, 'MalformedSecurityHeader', 'X-Goog-Date / X-Goog-Expires are malformed');
  }

  const signedHeaders = (params.get('X-Goog-SignedHeaders') ?? '').split(';');
  const canonicalHeaders = signedHeaders.map((h) => {
    // "host" is signed without the port (the conformance vectors sign host:localhost for localhost:8080).
    const value = h === 'host' ? (req.headers.host ?? '').replace(/:\d+$/, '') : String(req.headers[h] ?? '');
    return `${h}:${value.trim().replace(/\s{2,}/g, ' ')}\n`;
  }).join('');
  const canonicalQuery = [...params.entries()]
    .filter(([k]) => k !== 'X-Goog-Signature')
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${datestamp}/${location}/storage/goog4_request`;
  const stringToSign = ['GOOG4-RSA-SHA256', dateISO, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signature = Buffer.from(params.get('X-Goog-Signature') ?? '', 'hex');
  if (!createVerify('RSA-SHA256').update(stringToSign).verify(publicKey, signature)) {
    return bad(403, 'SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided.\nCanonical request:\n${canonicalRequest}`);
  }
  if (now > start + expires * 1000) return bad(400, 'ExpiredToken', `Request has expired: ${dateISO} + ${expires}s`);
  if (now < start - 60_000) return bad(400, 'InvalidArgument', 'X-Goog-Date is in the future');
  return { ok: true };
}
