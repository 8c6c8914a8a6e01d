/**
 * What the player can read from a signed media URL without knowing the
 * server's secret: when it expires, and which resource it names.
 */

const num = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** `20240102T030405Z` (AWS SigV4 / GCS V4 dates) → unix seconds. */
function compactDate(v: string | null): number | undefined {
  const m = v ? /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(v) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

/**
 * Unix seconds at which a signed URL stops working, or undefined when the
 * URL carries no expiry the player recognises. Understands Sluice HMAC
 * (`exp`), nginx secure_link (`expires`), S3 and GCS V4 presigned URLs
 * (`X-Amz-Date` + `X-Amz-Expires`, `X-Goog-Date` + `X-Goog-Expires`) and
 * Azure SAS (`se`, an ISO date).
 */
export function urlExpiry(url: string): number | undefined {
  let q: URLSearchParams;
  try { q = new URL(url).searchParams; } catch { return undefined; }
  const direct = num(q.get('exp')) ?? num(q.get('expires')) ?? num(q.get('Expires'));
  if (direct !== undefined) return direct;
  for (const p of ['X-Amz', 'X-Goog']) {
    const start = compactDate(q.get(`${p}-Date`));
    const ttl = num(q.get(`${p}-Expires`));
    if (start !== undefined && ttl !== undefined) return start + ttl;
  }
  const se = q.get('se');
  const t = se ? Date.parse(se) : NaN;
  return Number.isFinite(t) ? t / 1000 : undefined;
}

/** Origin + path: the same resource across re-signings (the query differs). */
export function resourceKey(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

/** The URL with its `token` query parameter replaced, when it has one. */
export function withToken(url: string, token: string | undefined): string {
  if (!token) return url;
  try {
    const u = new URL(url);
    if (!u.searchParams.has('token')) return url;
    u.searchParams.set('token', token);
    return u.href;
  } catch {
    return url;
  }
}

/** True for a URL that carries a Sluice JWT (`?token=`). */
export const hasToken = (url: string): boolean => /[?&]token=/.test(url);
