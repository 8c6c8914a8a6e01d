/**
 * Request URLs as they may appear in logs: the values of secret-bearing query
 * parameters replaced by `[redacted]`. Names are compared after decoding, as
 * Fastify's query parser decodes them before tokenFromRequest() reads
 * `token` — so `?%74oken=` is redacted exactly like `?token=`. Comparison is
 * case-insensitive and repeats the decoding, which redacts more than the
 * server accepts, never less; and any value shaped like a JWT is redacted
 * whatever its name.
 */

/** `token` (JWT, auth/tokens.ts), `sig` (HMAC, signing/hmac.ts), `md5` (nginx secure_link, signing/nginx-md5.ts). */
const SECRET_PARAMS = new Set(['token', 'sig', 'md5']);
const JWT_SHAPED = /[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

function decodeFully(text: string): string {
  let current = text;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try { next = decodeURIComponent(current.replace(/\+/g, ' ')); } catch { return current; }
    if (next === current) break;
    current = next;
  }
  return current;
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((part) => {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const secret = SECRET_PARAMS.has(decodeFully(name).trim().toLowerCase()) || JWT_SHAPED.test(decodeFully(value)) || JWT_SHAPED.test(decodeFully(name));
    return secret ? `${eq < 0 ? '[redacted]' : `${name}=[redacted]`}` : part;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
