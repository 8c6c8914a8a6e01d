/**
 * POST /api/tokens: mint a token. Admin only — or anyone in demo mode, so the
 * demo page works without a backend of its own. Anonymous demo tokens live at
 * most DEMO_MAX_TTL_SECONDS (longer asks are shortened; `expiresAt` says so)
 * and carry `demo: true`, which a server with demo mode off refuses.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDuration, type SluiceConfig } from '../config.js';
import { SluiceError } from '../errors.js';
import { mintTokenSchema } from './token-schemas.js';
import { AUDIENCES, type Audience, type SluiceClaims, authenticate, mintToken, tokenFromRequest } from './tokens.js';

const MAX_TTL_SECONDS = 365 * 86400;
export const DEMO_MAX_TTL_SECONDS = 6 * 3600;

function adminClaims(app: FastifyInstance, req: FastifyRequest): SluiceClaims {
  try {
    return authenticate(app, req, { aud: [] }).claims;
  } catch (err) {
    if (err instanceof SluiceError && err.code === 'SLUICE_ERR_AUTH_MISSING') throw new SluiceError('SLUICE_ERR_AUTH_DEMO_ONLY');
    throw err;
  }
}

export function registerTokenRoutes(app: FastifyInstance, config: SluiceConfig): void {
  app.post('/api/tokens', { schema: mintTokenSchema, attachValidation: true }, async (req) => {
    // A caller that sends a token is held to it, demo mode or not; what a
    // demo token mints is a demo token too (else one hop launders the mark).
    const anonymous = config.demo && tokenFromRequest(req) === undefined;
    const demo = anonymous || adminClaims(app, req).demo !== undefined;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const aud = body.aud as Audience;
    if (!AUDIENCES.includes(aud)) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'aud must be one of upload, playback, admin.');
    const sub = body.sub === undefined ? (aud === 'playback' ? '*' : undefined) : body.sub;
    if (sub !== undefined && (typeof sub !== 'string' || !/^(\*|[A-Za-z0-9_-]{1,64})$/.test(sub))) {
      throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'sub must be a video id or "*".');
    }
    const ttl = body.ttl === undefined ? 3600 : typeof body.ttl === 'number' ? body.ttl : parseDuration(String(body.ttl));
    if (ttl === undefined || !(ttl >= 1 && ttl <= MAX_TTL_SECONDS)) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'ttl must be a duration between 1s and 365d, like "1h".');
    const mediaTtl = body.mediaTtl === undefined ? undefined : Number(body.mediaTtl);
    if (mediaTtl !== undefined && !(Number.isFinite(mediaTtl) && mediaTtl >= 1)) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'mediaTtl must be a number of seconds ≥ 1.');
    const maxBytes = body.maxBytes === undefined ? undefined : Number(body.maxBytes);
    if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'maxBytes must be a positive integer.');
    const maxDuration = body.maxDuration === undefined ? undefined : typeof body.maxDuration === 'number' ? body.maxDuration : parseDuration(String(body.maxDuration)) ?? NaN;
    if (maxDuration !== undefined && !(Number.isFinite(maxDuration) && maxDuration >= 1)) throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'maxDuration must be a duration of at least 1s: seconds, or a string like "10m".');
    if (demo) return mintToken(app, { aud, sub: sub as string | undefined, mediaTtl, maxBytes, maxDuration, demo: true }, Math.min(ttl, DEMO_MAX_TTL_SECONDS));
    return mintToken(app, { aud, sub: sub as string | undefined, mediaTtl, maxBytes, maxDuration }, ttl);
  });
}
