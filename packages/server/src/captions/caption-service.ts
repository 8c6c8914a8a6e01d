/**
 * Adding, replacing and deleting a video's text tracks, and publishing
 * their files — the one path the JSON API, the CLI and extraction share.
 *
 * The store holds each track's canonical WebVTT; the files in storage (the
 * whole track, and once the video's duration is known its HLS segments and
 * playlist) are derived from it, so they can be rewritten whenever the
 * media folder is rebuilt (reprocessing empties it). Order of work: parse
 * (a refusal stores nothing) → row → files (a failure removes the row and
 * files) → a status event (SSE clients and other nodes see `captions`).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { CaptionKind, CaptionRecord, CaptionSource, Store } from '../db/store.js';
import { SluiceError } from '../errors.js';
import { captionFile, captionPlaylist, captionPrefix, captionSegmentName, CAPTIONS_DIR } from '../storage/media-keys.js';
import type { MediaStore } from '../storage/media-store.js';
import { canonicalLanguage, checkLabel } from './caption-language.js';
import { segmentTrack } from './caption-segments.js';
import { parseCaptions, type ParsedCaptions } from './parse-captions.js';

/** Most tracks on one video. */
export const MAX_TRACKS = 32;

const VTT_TYPE = 'text/vtt; charset=utf-8';
const M3U8_TYPE = 'application/vnd.apple.mpegurl';

export interface CaptionDeps {
  store: Store;
  media: MediaStore;
  /** The video's record changed (status events). */
  changed(videoId: string): void;
  /** HLS segment length for subtitle segments (SLUICE_SEGMENT_SECONDS). */
  segmentSeconds: number;
  log?: FastifyBaseLogger;
}

/** What a client sends (JSON API body, CLI flags), not yet checked. */
export interface CaptionInput {
  lang: unknown;
  label?: unknown;
  kind?: unknown;
  default?: unknown;
  closedCaptions?: unknown;
  text: unknown;
}

interface CheckedInput {
  lang: string;
  label: string;
  kind: CaptionKind;
  isDefault: boolean;
  closedCaptions: boolean;
  parsed: ParsedCaptions;
}

function checkInput(input: CaptionInput): CheckedInput {
  if (typeof input.text !== 'string') throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'The body needs "text": the caption file as a string (WebVTT or SRT).');
  const kind = input.kind ?? 'subtitles';
  if (kind !== 'subtitles' && kind !== 'captions') throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', '"kind" must be "subtitles" or "captions".');
  for (const flag of ['default', 'closedCaptions'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') throw new SluiceError('SLUICE_ERR_REQUEST_INVALID', `"${flag}" must be true or false.`);
  }
  const lang = canonicalLanguage(input.lang);
  const label = checkLabel(input.label, lang);
  const parsed = parseCaptions(input.text);
  return { lang, label, kind, isDefault: input.default === true, closedCaptions: input.closedCaptions === true, parsed };
}

/** Adds a track; refused input stores nothing. */
export async function addCaption(d: CaptionDeps, videoId: string, input: CaptionInput, source: CaptionSource = 'upload'): Promise<CaptionRecord> {
  const c = checkInput(input);
  const id = randomBytes(8).toString('hex');
  const r = await d.store.captions.insert({
    id, videoId, lang: c.lang, label: c.label, kind: c.kind, isDefault: c.isDefault, closedCaptions: c.closedCaptions,
    source, cueCount: c.parsed.cues.length, bytes: Buffer.byteLength(c.parsed.vtt), vtt: c.parsed.vtt,
  }, MAX_TRACKS);
  if (!r.ok) {
    throw r.reason === 'limit'
      ? new SluiceError('SLUICE_ERR_CAPTIONS_LIMIT', `This video already has ${MAX_TRACKS} caption tracks; delete one first.`)
      : new SluiceError('SLUICE_ERR_VIDEO_NOT_FOUND');
  }
  try {
    await publishTrack(d, videoId, id, c.parsed);
  } catch (err) {
    await d.store.captions.delete(videoId, id);
    await d.media.storage.deletePrefix(captionPrefix(videoId, id)).catch(() => 0);
    throw storageFailed(err);
  }
  d.changed(videoId);
  return r.value;
}

/** Replaces a track's text and fields. */
export async function replaceCaption(d: CaptionDeps, videoId: string, trackId: string, input: CaptionInput): Promise<CaptionRecord> {
  const c = checkInput(input);
  const r = await d.store.captions.replace(videoId, trackId, {
    lang: c.lang, label: c.label, kind: c.kind, isDefault: c.isDefault, closedCaptions: c.closedCaptions,
    cueCount: c.parsed.cues.length, bytes: Buffer.byteLength(c.parsed.vtt), vtt: c.parsed.vtt,
  });
  if (!r) throw new SluiceError('SLUICE_ERR_CAPTIONS_NOT_FOUND');
  // The old files go first, so that a failed write never leaves the old text served under the new row.
  await d.media.storage.deletePrefix(captionPrefix(videoId, trackId));
  try {
    await publishTrack(d, videoId, trackId, c.parsed);
  } catch (err) {
    throw storageFailed(err);
  } finally {
    d.changed(videoId);
  }
  return r;
}

export async function deleteCaption(d: CaptionDeps, videoId: string, trackId: string): Promise<void> {
  if (!(await d.store.captions.delete(videoId, trackId))) throw new SluiceError('SLUICE_ERR_CAPTIONS_NOT_FOUND');
  await d.media.storage.deletePrefix(captionPrefix(videoId, trackId));
  d.changed(videoId);
}

/**
 * Writes a track's files: the whole WebVTT file, and when the video's
 * duration is known its segments, then its playlist (last, so a playlist
 * never lists a segment that is not there yet).
 */
async function publishTrack(d: CaptionDeps, videoId: string, trackId: string, parsed: ParsedCaptions): Promise<void> {
  await d.media.writeText(videoId, captionFile(trackId), parsed.vtt, VTT_TYPE);
  const video = await d.store.getVideo(videoId);
  const duration = video?.duration;
  if (!duration || duration <= 0) return;
  const seg = segmentTrack(trackId, parsed.cues, duration, d.segmentSeconds);
  await Promise.all(seg.segments.map((text, n) => d.media.writeText(videoId, `${CAPTIONS_DIR}/${captionSegmentName(trackId, n)}`, text, VTT_TYPE)));
  await d.media.writeText(videoId, captionPlaylist(trackId), seg.playlist, M3U8_TYPE);
}

/**
 * Rewrites every track's files of a video from the store: processing calls
 * it once the duration is known (the media folder was emptied, and tracks
 * added before the probe had no segments yet). A track that fails is logged
 * and skipped; it must not fail the video.
 */
export async function republishCaptions(d: CaptionDeps, videoId: string): Promise<void> {
  for (const t of await d.store.captions.list(videoId)) {
    try {
      const vtt = await d.store.captions.text(videoId, t.id);
      if (vtt === undefined) continue;
      await publishTrack(d, videoId, t.id, parseCaptions(vtt));
    } catch (err) {
      d.log?.warn({ videoId, track: t.id, err }, 'republishing a caption track failed');
    }
  }
  d.changed(videoId);
}

/** Tracks whose HLS playlist is published: the only ones a master playlist may name. */
export async function publishedTracks(d: Pick<CaptionDeps, 'store' | 'media'>, videoId: string): Promise<CaptionRecord[]> {
  const tracks = await d.store.captions.list(videoId);
  const present = await Promise.all(tracks.map((t) => d.media.exists(videoId, captionPlaylist(t.id))));
  return tracks.filter((_, i) => present[i]);
}

function storageFailed(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  return new SluiceError('SLUICE_ERR_STORAGE_FAILED', `Storing the caption track failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
