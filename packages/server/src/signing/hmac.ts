/**
 * The default signature format: `exp=<unix s>&sig=<base64url HMAC-SHA256(secret, exp + path)>`.
 */
import crypto from 'node:crypto';

/** Length in base64url characters of an unpadded 32-byte HMAC-SHA256 digest. */
export const HMAC_SIG_CHARS = 43;
export const HMAC_DIGEST_BYTES = 32;

/** The raw digest authorising `path` until `exp` (the exact `exp` string sent in the URL). */
export function hmacDigest(secret: string, exp: string, path: string): Buffer {
  return crypto.createHmac('sha256', secret).update(exp).update(path).digest();
}

export function hmacQuery(secret: string, path: string, expiresAt: number): string {
  const exp = String(expiresAt);
  return `exp=${exp}&sig=${hmacDigest(secret, exp, path).toString('base64url')}`;
}
