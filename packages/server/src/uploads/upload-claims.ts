/**
 * Claims of the upload token on a tus request, for the hooks @tus/server
 * calls with its own Request object (the route has already authenticated
 * it; this only reads what the token says).
 */
import type { FastifyInstance } from 'fastify';

/** The token's maxDuration claim in seconds, or null when it has none. */
export function uploadMaxDuration(app: FastifyInstance, req: Request): number | null {
  const auth = req.headers.get('authorization');
  const token = auth ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : new URL(req.url, 'http://localhost').searchParams.get('token');
  if (!token) return null;
  let claims: unknown;
  try {
    claims = app.jwt.verify(token);
  } catch {
    return null;
  }
  const max = (claims as { maxDuration?: unknown } | null)?.maxDuration;
  return typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : null;
}
