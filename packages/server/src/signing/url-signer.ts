/**
 * Signed media URLs. The only module that knows a signature format; both
 * formats follow nginx `secure_link` semantics so either server can verify:
 * a bad, missing or malformed signature is 'invalid' (403) even when the
 * expiry is also past; a good signature past its expiry is 'expired' (410).
 */
import crypto from 'node:crypto';
import { HMAC_DIGEST_BYTES, HMAC_SIG_CHARS, hmacDigest, hmacQuery } from './hmac.js';
import { MD5_DIGEST_BYTES, nginxMd5Digest, nginxMd5Query } from './nginx-md5.js';

export type SignatureVerdict = 'valid' | 'invalid' | 'expired';
export type SigningMode = 'hmac' | 'nginx';

export interface UrlSigner {
  readonly mode: SigningMode;
  /** Query string (no leading '?') authorising GET of `path` (decoded URL path, starts with /media/) until expiresAt (unix seconds). */
  sign(path: string, expiresAt: number): string;
  /**
   * Constant-time check of a request's query against `path`. Bad, missing or
   * malformed → 'invalid' even when also expired; good and past → 'expired'.
   */
  verify(path: string, query: Record<string, unknown>, nowSeconds?: number): SignatureVerdict;
  /** Whether `query` carries this format's expiry or signature parameter (a signed URL, good or bad). */
  isSigned(query: Record<string, unknown>): boolean;
  /** The expiry (unix seconds) a query claims, when well-formed; only meaningful once verify() said 'valid'. */
  expiryOf(query: Record<string, unknown>): number | undefined;
}

interface Format {
  expKey: string;
  sigKey: string;
  digestBytes: number;
  /** Whether the signature text has the shape of a digest (not its content). */
  wellFormed(sig: string): boolean;
  digest(secret: string, exp: string, path: string): Buffer;
  query(secret: string, path: string, expiresAt: number): string;
}

const HMAC_SIG = new RegExp(`^[A-Za-z0-9_-]{${HMAC_SIG_CHARS}}$`);
// nginx decodes up to 24 characters of base64url and stops at '=' padding.
const MD5_SIG = /^[A-Za-z0-9_-]{22}(?:==?)?$/;

const FORMATS: Record<SigningMode, Format> = {
  hmac: {
    expKey: 'exp', sigKey: 'sig', digestBytes: HMAC_DIGEST_BYTES,
    wellFormed: (sig) => HMAC_SIG.test(sig), digest: hmacDigest, query: hmacQuery,
  },
  nginx: {
    expKey: 'expires', sigKey: 'md5', digestBytes: MD5_DIGEST_BYTES,
    wellFormed: (sig) => MD5_SIG.test(sig), digest: nginxMd5Digest, query: nginxMd5Query,
  },
};

// nginx (ngx_atotm) takes decimal digits only and treats <= 0 as no link.
const EXPIRY = /^\d{1,15}$/;

export function createUrlSigner(options: { mode: SigningMode; secret: string }): UrlSigner {
  const { mode, secret } = options;
  const format = FORMATS[mode];
  if (!format) throw new TypeError(`unknown signing mode "${String(mode)}" (expected "hmac" or "nginx")`);
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('the URL signing secret must be a non-empty string');
  return {
    mode,
    sign(path, expiresAt) {
      if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError(`expiresAt must be a positive integer of unix seconds, got ${expiresAt}`);
      return format.query(secret, path, expiresAt);
    },
    verify(path, query, nowSeconds = Math.floor(Date.now() / 1000)) {
      const exp = query[format.expKey];
      const sig = query[format.sigKey];
      const expText = typeof exp === 'string' && EXPIRY.test(exp) ? exp : '';
      const expValue = Number(expText);
      const sigOk = typeof sig === 'string' && format.wellFormed(sig);
      // Always hash and compare the same number of bytes, so neither the
      // shape nor the content of the signature changes the time taken.
      const expected = format.digest(secret, expText, path);
      const given = sigOk ? Buffer.from(sig, 'base64url') : Buffer.alloc(format.digestBytes);
      const same = crypto.timingSafeEqual(given.length === expected.length ? given : Buffer.alloc(expected.length), expected);
      if (!same || !sigOk || given.length !== expected.length || !(expValue > 0)) return 'invalid';
      // nginx: "0" (expired) when expires < now, so the last valid second is exp itself.
      return expValue < nowSeconds ? 'expired' : 'valid';
    },
    isSigned: (query) => query[format.expKey] !== undefined || query[format.sigKey] !== undefined,
    expiryOf: (query) => {
      const exp = query[format.expKey];
      return typeof exp === 'string' && EXPIRY.test(exp) ? Number(exp) : undefined;
    },
  };
}
