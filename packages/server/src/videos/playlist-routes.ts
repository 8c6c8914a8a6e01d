/**
 * JWT-guarded HLS playlists and the storyboard track, rewritten so that
 * variant URIs carry the caller's token and every media URI is a signed
 * /media URL. Never cached by clients: the signatures inside expire.
 *
 * `?expiry=linear` (carried from the master into the variant URIs, like the
 * token) is for players that cannot re-sign a single URL — the browser's own
 * HLS: each media URI expires a TTL after the moment a viewer playing
 * straight through needs it (fetch time + its playlist time + TTL), so a
 * linear viewer never meets an expired URL.
 */
import type { FastifyReply, FastifyRequest, FastifySchema, RouteShorthandOptions } from 'fastify';
import { type Authenticated, authenticate } from '../auth/tokens.js';
import { linearPlaylistTimes, rewritePlaylistUris, rewriteVttUris } from '../delivery/playlists.js';
import { SluiceError } from '../errors.js';
import type { PlaylistKind } from '../metrics/labels.js';
import type { Services } from '../services.js';
import { findVideo } from './video-routes.js';
import { hlsSchema, storyboardSchema } from './video-schemas.js';
import { baseUrl, mediaTtlFor, mediaUrl, playbackTokenFor } from './status-document.js';
import { CAPTIONS_DIR, HLS_DIR, MASTER, MASTER_NAME, STORYBOARD_VTT, captionPlaylist, playlistFile } from '../storage/media-keys.js';
import { publishedTracks } from '../captions/caption-service.js';
import { addSubtitleGroup, trackIdOfPlaylist } from '../captions/hls-subtitles.js';

const RENDITION = /^[a-z0-9_-]{1,32}$/i;
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:|^\//i;

function send(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply.header('content-type', type).header('cache-control', 'no-store').send(body);
}

type Rewriter = (text: string, mapUri: (uri: string) => string) => string;

/** `?expiry=`: absent (every URL expires a TTL from now) or `linear`. */
function linearExpiry(req: FastifyRequest): boolean {
  const v = (req.query as Record<string, unknown> | undefined)?.expiry;
  if (v === undefined) return false;
  if (v === 'linear') return true;
  throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'The expiry query parameter must be "linear" when present.');
}

/**
 * Every relative media URI → its signed (proxy) or presigned (direct) URL,
 * expiring a TTL from now, plus `offsets[uri]` seconds when given (linear expiry).
 */
async function rewriteMediaUris(s: Services, req: FastifyRequest, auth: Authenticated, videoId: string, text: string, rewrite: Rewriter, base: string, offsets?: Map<string, number>): Promise<string> {
  const from = Date.now() / 1000 + mediaTtlFor(s.config, auth);
  const origin = baseUrl(s.config, req);
  const uris: string[] = [];
  rewrite(text, (uri) => { if (!ABSOLUTE.test(uri)) uris.push(uri); return uri; });
  const urls = new Map(await Promise.all(uris.map(async (uri) => {
    const exp = Math.floor(from + (offsets?.get(uri) ?? 0));
    return [uri, await mediaUrl(s, origin, videoId, `${base}${uri}`, exp)] as const;
  })));
  return rewrite(text, (uri) => urls.get(uri) ?? uri);
}

export function registerPlaylistRoutes(s: Services): void {
  const { app } = s;

  const guard = async (req: FastifyRequest) => {
    const auth = authenticate(app, req, { aud: ['playback'], videoId: (req.params as { id: string }).id });
    const video = await findVideo(s, req);
    if (!video.playable) throw new SluiceError('SLUICE_ERR_VIDEO_NOT_READY');
    return { auth, video };
  };

  // Counted when the answer has gone, errors included.
  const withSchema = (schema: FastifySchema, kind: (req: FastifyRequest) => PlaylistKind): RouteShorthandOptions => ({
    schema,
    onResponse: async (req, reply) => s.metrics.playlistRequest(kind(req), reply.statusCode),
  });

  app.get('/api/videos/:id/hls/:file', withSchema(hlsSchema, (req) => ((req.params as { file: string }).file === MASTER_NAME ? 'master' : 'media')), async (req, reply) => {
    const { auth, video } = await guard(req);
    const file = (req.params as { file: string }).file;
    const token = encodeURIComponent(playbackTokenFor(s, auth, video.id));
    const linear = linearExpiry(req);
    if (file === MASTER_NAME) {
      // Variant playlists are fetched from this same route, carrying the same token (and expiry flag).
      const query = `token=${token}${linear ? '&expiry=linear' : ''}`;
      // Caption tracks join per request: only those whose subtitle playlist is published.
      const text = addSubtitleGroup(await s.media.readText(video.id, MASTER), await publishedTracks(s, video.id));
      return send(reply, 'application/vnd.apple.mpegurl', rewritePlaylistUris(text, (uri) => (ABSOLUTE.test(uri) ? uri : `${uri}${uri.includes('?') ? '&' : '?'}${query}`)));
    }
    const trackId = trackIdOfPlaylist(file);
    if (trackId !== undefined) {
      if (!(await s.store.captions.get(video.id, trackId))) throw new SluiceError('SLUICE_ERR_CAPTIONS_NOT_FOUND');
      const text = await s.media.readText(video.id, captionPlaylist(trackId));
      const offsets = linear ? linearPlaylistTimes(text) : undefined;
      return send(reply, 'application/vnd.apple.mpegurl', await rewriteMediaUris(s, req, auth, video.id, text, rewritePlaylistUris, `${CAPTIONS_DIR}/`, offsets));
    }
    const m = /^(.+)\.m3u8$/.exec(file);
    if (!m || !RENDITION.test(m[1]!)) throw new SluiceError('SLUICE_ERR_VIDEO_NOT_FOUND', 'No such rendition.');
    const text = await s.media.readText(video.id, playlistFile(m[1]!));
    const offsets = linear ? linearPlaylistTimes(text) : undefined;
    return send(reply, 'application/vnd.apple.mpegurl', await rewriteMediaUris(s, req, auth, video.id, text, rewritePlaylistUris, `${HLS_DIR}/`, offsets));
  });

  app.get(`/api/videos/:id/${STORYBOARD_VTT}`, withSchema(storyboardSchema, () => 'storyboard'), async (req, reply) => {
    const { auth, video } = await guard(req);
    if (video.status !== 'ready') throw new SluiceError('SLUICE_ERR_VIDEO_NOT_READY');
    const text = await s.media.readText(video.id, STORYBOARD_VTT);
    return send(reply, 'text/vtt; charset=utf-8', await rewriteMediaUris(s, req, auth, video.id, text, rewriteVttUris, ''));
  });
}
