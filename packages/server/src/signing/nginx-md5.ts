/**
 * nginx `secure_link` format, so nginx can serve /media/ itself:
 *   secure_link     $arg_md5,$arg_expires;
 *   secure_link_md5 "$secure_link_expires$uri <secret>";
 * giving `md5=<base64url md5(expires + uri + " " + secret)>&expires=<unix s>`.
 */
import crypto from 'node:crypto';

/** nginx refuses an md5 argument longer than 24 characters; 22 is the unpadded form. */
export const MD5_DIGEST_BYTES = 16;

/** The raw digest for `uri` until `expires` (the exact `expires` string sent in the URL). */
export function nginxMd5Digest(secret: string, expires: string, uri: string): Buffer {
  return crypto.createHash('md5').update(`${expires}${uri} ${secret}`).digest();
}

export function nginxMd5Query(secret: string, uri: string, expiresAt: number): string {
  const expires = String(expiresAt);
  return `md5=${nginxMd5Digest(secret, expires, uri).toString('base64url')}&expires=${expires}`;
}
