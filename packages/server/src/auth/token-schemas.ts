/**
 * Schema of POST /api/tokens (token-routes.ts). The handler checks the body
 * itself (its messages name the field and the accepted forms), so the body
 * schema documents those same rules and Fastify's validation of it is
 * attached, not enforced (`attachValidation` in token-routes.ts).
 */
import { jwt, routeSchema } from '../http/schemas.js';

const DURATION = { type: ['number', 'string'], description: 'Seconds, or a duration string like `"10m"`, `"1h"`, `"7d"`.' } as const;

export const mintTokenSchema = routeSchema({
  summary: 'Mint a JWT for an audience',
  description: 'Needs an admin token — or none in demo mode, where the token minted is a demo token (at most 6 h, refused once demo mode is off). '
    + 'A caller that sends a token is held to it, demo mode or not.',
  tags: ['auth'],
  security: [...jwt(), {}],
  body: {
    type: 'object',
    required: ['aud'],
    properties: {
      aud: { type: 'string', enum: ['upload', 'playback', 'admin'] },
      sub: { type: 'string', pattern: '^(\\*|[A-Za-z0-9_-]{1,64})$', description: 'A video id, or `*` (every video). Playback tokens default to `*`.' },
      ttl: { ...DURATION, description: `How long the token lives, 1 s to 365 d (default 1 h). ${DURATION.description}` },
      mediaTtl: { type: ['number', 'string'], description: 'Seconds (≥ 1) signed media URLs made for this token live, at most SLUICE_MEDIA_TTL.' },
      maxBytes: { type: ['integer', 'string'], description: 'Upload tokens: the largest upload accepted, in bytes (at most SLUICE_MAX_UPLOAD).' },
      maxDuration: { ...DURATION, description: `Upload tokens: the longest video accepted (≥ 1 s). ${DURATION.description}` },
    },
  },
  errors: ['SLUICE_ERR_AUTH_DEMO_ONLY', 'SLUICE_ERR_AUTH_INVALID', 'SLUICE_ERR_AUTH_FORBIDDEN'],
  response: {
    200: {
      description: 'The token.',
      type: 'object',
      required: ['token', 'expiresAt'],
      properties: { token: { type: 'string', description: 'The JWT.' }, expiresAt: { type: 'string', format: 'date-time' } },
      additionalProperties: false,
    },
  },
});
