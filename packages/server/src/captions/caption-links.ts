/**
 * A track as clients see it (`CaptionTrack` of @sluice/protocol): the
 * record's fields plus a signed URL of the whole WebVTT file.
 */
import type { CaptionTrack } from '@sluice/protocol';
import type { CaptionRecord } from '../db/store.js';
import { captionFile } from '../storage/media-keys.js';
import { mediaUrl, type LinkContext } from '../videos/status-document.js';

export async function captionTrack(ctx: LinkContext, origin: string, t: CaptionRecord, expiresAt: number): Promise<CaptionTrack> {
  return {
    id: t.id, lang: t.lang, label: t.label, kind: t.kind, default: t.isDefault, closedCaptions: t.closedCaptions, source: t.source,
    url: await mediaUrl(ctx, origin, t.videoId, captionFile(t.id), expiresAt),
  };
}

export async function captionTracks(ctx: LinkContext, origin: string, tracks: readonly CaptionRecord[], expiresAt: number): Promise<CaptionTrack[]> {
  return Promise.all(tracks.map((t) => captionTrack(ctx, origin, t, expiresAt)));
}
