/**
 * The video status document (DESIGN.md), with signed media URLs and a
 * playback token in the HLS URL. Admin tokens never leave the server inside
 * a URL: a playback token for this one video is minted instead.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StatusDocument } from '@sluice/protocol';
import type { SluiceConfig } from '../config.js';
import type { Store, VideoRecord } from '../db/store.js';
import type { UrlSigner } from '../signing/url-signer.js';
import type { LocalLayout } from '../storage/local-layout.js';
import { MASTER, MP4, POSTER, STORYBOARD_VTT, mediaKey } from '../storage/media-keys.js';
import type { MediaStore } from '../storage/media-store.js';
import { contentTypeFor } from '../storage/content-types.js';
import { type Authenticated, mintToken } from '../auth/tokens.js';
import { thumbnailPath } from '../thumbnails/thumbnail-url.js';
import { captionTracks } from '../captions/caption-links.js';

export type { StatusDocument };

export interface LinkContext {
  app: FastifyInstance;
  config: SluiceConfig;
  signer: UrlSigner;
  layout: LocalLayout;
  media: MediaStore;
  store: Store;
}

/** Absolute base URL for links: SLUICE_PUBLIC_URL, else the request's own origin. */
export function baseUrl(config: SluiceConfig, req: FastifyRequest): string {
  return config.publicUrl ?? `${req.protocol}://${req.host}`;
}

/** Seconds signed media URLs live for this caller: SLUICE_MEDIA_TTL, shortened by a token's mediaTtl claim. */
export function mediaTtlFor(config: SluiceConfig, auth: Authenticated): number {
  const claim = auth.claims.mediaTtl;
  return claim !== undefined && claim > 0 ? Math.min(claim, config.mediaTtlSeconds) : config.mediaTtlSeconds;
}

/** A token fit to travel in a playlist URL for `videoId`. */
export function playbackTokenFor(ctx: LinkContext, auth: Authenticated, videoId: string): string {
  if (auth.claims.aud === 'playback') return auth.token;
  const remaining = auth.claims.exp - Math.floor(Date.now() / 1000);
  const ttl = Math.max(1, Math.min(remaining, ctx.config.mediaTtlSeconds));
  // A token derived from a demo token stays a demo token (refused once demo mode is off).
  return mintToken(ctx.app, { aud: 'playback', sub: videoId, mediaTtl: auth.claims.mediaTtl, demo: auth.claims.demo }, ttl).token;
}

/** Signs /media/<videoId>/<relative>; absolute when SLUICE_PUBLIC_URL is set. */
export function signedMediaUrl(ctx: LinkContext, origin: string, videoId: string, relative: string, expiresAt: number): string {
  const path = ctx.layout.mediaUrlPath(videoId, relative);
  return `${origin}${path}?${ctx.signer.sign(path, expiresAt)}`;
}

/** Apps that already logged a presign failure (once per app, not per request). */
const presignFailureLogged = new WeakSet<FastifyInstance>();

/**
 * The URL a browser fetches a media file from: a presigned bucket URL in
 * `direct` delivery, else a signed /media URL (the server streams it). When
 * presigning fails (no key, no permission) the request falls back to proxy
 * delivery and the failure is logged once.
 */
export async function mediaUrl(ctx: LinkContext, origin: string, videoId: string, relative: string, expiresAt: number): Promise<string> {
  const { storage } = ctx.media;
  if (ctx.config.delivery === 'direct' && storage.capabilities.presignedRead) {
    try {
      return await storage.presignRead(mediaKey(videoId, relative), expiresAt, { contentType: contentTypeFor(relative) });
    } catch (err) {
      if (!presignFailureLogged.has(ctx.app)) {
        presignFailureLogged.add(ctx.app);
        ctx.app.log.error({ err, storage: storage.kind }, 'presigning a media URL failed; serving media through the server (proxy) instead');
      }
    }
  }
  return signedMediaUrl(ctx, origin, videoId, relative, expiresAt);
}

/** The status document without links or tokens (what a webhook event carries as `data`). */
export function statusFields(v: VideoRecord): StatusDocument {
  const doc: StatusDocument = {
    id: v.id, status: v.status, progress: v.status === 'ready' ? 1 : v.progress, playable: v.playable, title: v.title, renditions: v.renditions, captions: [],
  };
  if (v.error) doc.error = v.error;
  if (v.duration !== null) doc.duration = v.duration;
  if (v.width !== null) doc.width = v.width;
  if (v.height !== null) doc.height = v.height;
  return doc;
}

export async function buildStatusDocument(ctx: LinkContext, req: FastifyRequest, auth: Authenticated, v: VideoRecord): Promise<StatusDocument> {
  const doc = statusFields(v);
  const origin = baseUrl(ctx.config, req);
  // One expiry for every signed URL of the document (the `expiresAt` of a ready video).
  const exp = Math.floor(Date.now() / 1000) + mediaTtlFor(ctx.config, auth);
  doc.captions = await captionTracks(ctx, origin, await ctx.store.captions.list(v.id), exp);
  if (!v.playable) return doc;
  const token = encodeURIComponent(playbackTokenFor(ctx, auth, v.id));
  doc.hls = `${origin}/api/videos/${v.id}/${MASTER}?token=${token}`;
  doc.thumbnail = `${origin}${thumbnailPath(v.id, 'jpg')}?token=${token}`;
  if (v.status === 'ready') {
    [doc.mp4, doc.poster] = await Promise.all([mediaUrl(ctx, origin, v.id, MP4, exp), mediaUrl(ctx, origin, v.id, POSTER, exp)]);
    doc.storyboard = `${origin}/api/videos/${v.id}/${STORYBOARD_VTT}?token=${token}`;
    doc.expiresAt = new Date(exp * 1000).toISOString();
  }
  return doc;
}
