/**
 * The captions JSON API (docs/api.md):
 *   GET    /api/videos/:id/captions            playback (that video) or admin
 *   POST   /api/videos/:id/captions            admin, or the upload token that created the video
 *   PUT    /api/videos/:id/captions/:trackId   same
 *   DELETE /api/videos/:id/captions/:trackId   same
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import type { VideoRecord } from '../db/store.js';
import { SluiceError, errorBody } from '../errors.js';
import type { Services } from '../services.js';
import { isCaptionId } from '../storage/media-keys.js';
import { baseUrl, mediaTtlFor } from '../videos/status-document.js';
import { findVideo } from '../videos/video-routes.js';
import { captionTrack, captionTracks } from './caption-links.js';
import { addCaptionSchema, deleteCaptionSchema, listCaptionsSchema, replaceCaptionSchema } from './caption-schemas.js';
import { addCaption, deleteCaption, replaceCaption, type CaptionDeps, type CaptionInput } from './caption-service.js';
import { MAX_CAPTION_BYTES, decodeCaptionBytes } from './parse-captions.js';

/** JSON escaping can take a character to 6 bytes (\uXXXX); the text itself is limited after parsing. */
const BODY_LIMIT = MAX_CAPTION_BYTES * 6 + 64 * 1024;

export function captionDeps(s: Services): CaptionDeps {
  return { store: s.store, media: s.media, changed: (id) => s.events.changed(id), segmentSeconds: s.config.segmentSeconds, log: s.app.log };
}

/** A body over the limit is a caption file too large, not a malformed request. */
function bodyTooLarge(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw err;
  const e = new SluiceError('SLUICE_ERR_CAPTIONS_TOO_LARGE');
  reply.code(e.statusCode).header('cache-control', 'no-store').send(errorBody(e));
}

/**
 * Changing tracks: admin, or an upload token whose `sub` created the video
 * (the upload's owner rule). Anyone else learns nothing: 404, as for uploads.
 */
async function editor(s: Services, req: FastifyRequest): Promise<{ video: VideoRecord; exp: number }> {
  const auth = authenticate(s.app, req, { aud: ['upload'] });
  const video = await findVideo(s, req);
  if (auth.claims.aud !== 'admin' && (video.owner === null || auth.claims.sub !== video.owner)) throw new SluiceError('SLUICE_ERR_VIDEO_NOT_FOUND');
  return { video, exp: Math.floor(Date.now() / 1000) + mediaTtlFor(s.config, auth) };
}

function trackIdOf(req: FastifyRequest): string {
  const { trackId } = req.params as { trackId: string };
  if (!isCaptionId(trackId)) throw new SluiceError('SLUICE_ERR_CAPTIONS_NOT_FOUND');
  return trackId;
}

function inputOf(req: FastifyRequest): CaptionInput {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'The body must be a JSON object: { lang, label?, kind?, default?, closedCaptions?, text }.');
  }
  const b = req.body as Record<string, unknown>;
  return { lang: b.lang, label: b.label, kind: b.kind, default: b.default, closedCaptions: b.closedCaptions, text: b.text };
}

export function registerCaptionRoutes(s: Services): void {
  const { app } = s;
  const deps = captionDeps(s);

  app.get('/api/videos/:id/captions', { schema: listCaptionsSchema }, async (req, reply) => {
    const auth = authenticate(app, req, { aud: ['playback'], videoId: (req.params as { id: string }).id });
    const video = await findVideo(s, req);
    const exp = Math.floor(Date.now() / 1000) + mediaTtlFor(s.config, auth);
    reply.header('cache-control', 'no-store');
    return { captions: await captionTracks(s, baseUrl(s.config, req), await s.store.captions.list(video.id), exp) };
  });

  app.delete('/api/videos/:id/captions/:trackId', { schema: deleteCaptionSchema }, async (req, reply) => {
    const { video } = await editor(s, req);
    await deleteCaption(deps, video.id, trackIdOf(req));
    reply.code(204).send();
  });

  app.register(async (scope) => registerWrites(scope, s, deps));
}

/**
 * POST and PUT, in a scope whose JSON parser refuses bytes that are not
 * UTF-8 with SLUICE_ERR_CAPTIONS_ENCODING (Fastify's own parser would turn
 * them into U+FFFD and the text would be accepted, silently damaged).
 */
function registerWrites(scope: FastifyInstance, s: Services, deps: CaptionDeps): void {
  // The token is checked before the body is read: an anonymous client gets 401, not an answer about its body.
  scope.addHook('onRequest', async (req) => { authenticate(s.app, req, { aud: ['upload'] }); });
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, raw, done) => {
    let json: unknown;
    try {
      json = JSON.parse(decodeCaptionBytes(raw as Buffer, BODY_LIMIT));
    } catch (err) {
      done(err instanceof SluiceError ? err : new SluiceError('SLUICE_ERR_REQUEST_INVALID', `The body is not valid JSON: ${(err as Error).message}`), undefined);
      return;
    }
    done(null, json);
  });

  // attachValidation: the schemas document the body; checkInput() judges it, with the captions' own codes and messages.
  scope.post('/api/videos/:id/captions', { schema: addCaptionSchema, attachValidation: true, bodyLimit: BODY_LIMIT, errorHandler: bodyTooLarge }, async (req, reply) => {
    const { video, exp } = await editor(s, req);
    const track = await addCaption(deps, video.id, inputOf(req));
    reply.code(201).header('cache-control', 'no-store');
    return captionTrack(s, baseUrl(s.config, req), track, exp);
  });

  scope.put('/api/videos/:id/captions/:trackId', { schema: replaceCaptionSchema, attachValidation: true, bodyLimit: BODY_LIMIT, errorHandler: bodyTooLarge }, async (req, reply) => {
    const { video, exp } = await editor(s, req);
    const track = await replaceCaption(deps, video.id, trackIdOf(req), inputOf(req));
    reply.header('cache-control', 'no-store');
    return captionTrack(s, baseUrl(s.config, req), track, exp);
  });
}
