/**
 * JWT audiences on top of @fastify/jwt (HS256, SLUICE_SECRET):
 * `upload` creates uploads, `playback` reads one video (sub = id) or any
 * (sub = '*'), `admin` does everything. Missing or invalid token → 401;
 * a valid token for another audience or video → 403.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors.js';

export type Audience = 'upload' | 'playback' | 'admin';
export const AUDIENCES: readonly Audience[] = ['upload', 'playback', 'admin'];

export interface SluiceClaims {
  aud: Audience;
  sub?: string;
  exp: number;
  iat?: number;
  /** upload: the largest upload this token may create, in bytes. */
  maxBytes?: number;
  /** upload: the longest video this token's uploads may be, in seconds (checked at probe; SLUICE_MAX_DURATION still applies). */
  maxDuration?: number;
  /** playback: shortens (never lengthens) the lifetime of signed media URLs, in seconds. */
  mediaTtl?: number;
  /** Minted anonymously by demo mode (or derived from such a token): refused by a server with demo mode off. */
  demo?: true;
}

export interface Authenticated { claims: SluiceClaims; token: string }

declare module '@fastify/jwt' {
  interface FastifyJWT { payload: Omit<SluiceClaims, 'exp' | 'iat'>; user: SluiceClaims }
}

/** Apps that accept tokens marked `demo: true` (those running in demo mode). */
const acceptsDemoTokens = new WeakSet<FastifyInstance>();

export async function registerJwt(app: FastifyInstance, secret: string, options: { acceptDemoTokens?: boolean } = {}): Promise<void> {
  await app.register(fastifyJwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
  if (options.acceptDemoTokens) acceptsDemoTokens.add(app);
}

export function mintToken(app: FastifyInstance, claims: Omit<SluiceClaims, 'exp' | 'iat'>, ttlSeconds: number): { token: string; expiresAt: string } {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as Omit<SluiceClaims, 'exp' | 'iat'>;
  const token = app.jwt.sign(payload, { expiresIn: Math.max(1, Math.round(ttlSeconds)) });
  return { token, expiresAt: new Date(Date.now() + Math.round(ttlSeconds) * 1000).toISOString() };
}

/** The token from `Authorization: Bearer …` or `?token=…`, if any. */
export function tokenFromRequest(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1] : auth; // a malformed header is an invalid token, not a missing one
  }
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' && q !== '' ? q : undefined;
}

function verify(app: FastifyInstance, token: string): SluiceClaims {
  let claims: unknown;
  try {
    claims = app.jwt.verify(token);
  } catch (err) {
    const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
    throw new SluiceError('SLUICE_ERR_AUTH_INVALID', expired ? 'The token has expired; ask the site for a new one.' : 'The token is invalid.', { cause: err });
  }
  const c = claims as Partial<SluiceClaims>;
  if (!c || typeof c.aud !== 'string' || !AUDIENCES.includes(c.aud as Audience) || typeof c.exp !== 'number') {
    throw new SluiceError('SLUICE_ERR_AUTH_INVALID', 'The token has no valid audience or expiry.');
  }
  // Same secret, different trust: demo mode's open minting must not outlive demo mode.
  if (c.demo !== undefined && !acceptsDemoTokens.has(app)) {
    throw new SluiceError('SLUICE_ERR_AUTH_INVALID', 'This token was minted by demo mode, which is off on this server; ask the site for a new token.');
  }
  return c as SluiceClaims;
}

/**
 * Checks the request's token. `aud` lists the audiences accepted besides
 * admin (always accepted); `videoId` restricts playback tokens to that video.
 */
export function authenticate(app: FastifyInstance, req: FastifyRequest, need: { aud: Audience[]; videoId?: string }): Authenticated {
  const token = tokenFromRequest(req);
  if (!token) throw new SluiceError('SLUICE_ERR_AUTH_MISSING');
  const claims = verify(app, token);
  if (claims.aud === 'admin') return { claims, token };
  if (!need.aud.includes(claims.aud)) {
    throw new SluiceError('SLUICE_ERR_AUTH_FORBIDDEN', `This ${claims.aud} token cannot be used here; it needs a ${need.aud.concat('admin').join(' or ')} token.`);
  }
  if (claims.aud === 'playback' && need.videoId !== undefined && claims.sub !== '*' && claims.sub !== need.videoId) {
    throw new SluiceError('SLUICE_ERR_AUTH_FORBIDDEN', 'This playback token is for another video.');
  }
  return { claims, token };
}
