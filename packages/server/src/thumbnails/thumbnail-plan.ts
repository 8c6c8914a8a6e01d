/**
 * Which picture a thumbnail request gets: the keyframe at or before `time`
 * (keyframes are forced every KEYFRAME_SECONDS, hls-job.ts) of the smallest
 * rendition at least as wide as asked, found in that rendition's media
 * playlist. Snapping to keyframes is what bounds the cache: any number of
 * distinct times maps to at most one entry per keyframe and width.
 */
import { createHash } from 'node:crypto';
import type { RenditionInfo } from '../db/store.js';
import { KEYFRAME_SECONDS } from '../transcode/hls-job.js';

export interface PlaylistSegment { uri: string; start: number; duration: number }

export interface MediaPlaylist {
  /** URI of the init segment (EXT-X-MAP), relative to hls/. */
  init: string | undefined;
  segments: PlaylistSegment[];
  /** EXT-X-ENDLIST seen: nothing more will be added. */
  ended: boolean;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const segments: PlaylistSegment[] = [];
  let init: string | undefined;
  let ended = false;
  let start = 0;
  let pending: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    const inf = /^#EXTINF:([\d.]+)/.exec(line);
    if (map) init = map[1];
    else if (inf) pending = Number(inf[1]);
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#') && pending !== undefined) {
      segments.push({ uri: line, start, duration: pending });
      start += pending;
      pending = undefined;
    }
  }
  return { init, segments, ended };
}

/** The smallest rendition at least `width` wide, else the widest. */
export function pickRendition(renditions: readonly RenditionInfo[], width: number): RenditionInfo | undefined {
  const byWidth = [...renditions].sort((a, b) => a.width - b.width);
  return byWidth.find((r) => r.width >= width) ?? byWidth.at(-1);
}

export interface ThumbnailPlan {
  /** Seconds into the video of the keyframe drawn (nominal: on the forced-keyframe grid). */
  keyframeTime: number;
  init: string;
  segment: string;
  /** Seconds from the segment's start to its last frame that may be drawn (half a keyframe interval past the keyframe). */
  cutoff: number;
  /**
   * Changes when the rendition is encoded again differently (reprocess):
   * a hash of the playlist up to this segment, which is stable while the
   * playlist grows.
   */
  generation: string;
}

/** Past the end of the media, or not published that far yet (playlist still growing). */
export type PlanResult = ThumbnailPlan | 'not-yet';

/**
 * `time` clamped to [0, duration) (past the end: the last keyframe), snapped
 * down to the keyframe grid, then the segment holding that keyframe.
 */
export function planThumbnail(playlist: MediaPlaylist, time: number, duration: number): PlanResult {
  const { segments, init } = playlist;
  if (!init || segments.length === 0) return 'not-yet';
  const last = segments.at(-1)!;
  const published = last.start + last.duration;
  // A millisecond short of the end: a time at or past the end means the last frame, whose keyframe starts before it.
  const end = Math.min(duration, playlist.ended ? published : Infinity);
  const t = Math.max(0, Math.min(time, end - 0.001));
  const keyframeTime = KEYFRAME_SECONDS * Math.floor(t / KEYFRAME_SECONDS);
  // EXTINF values are rounded: allow a millisecond of slack at segment boundaries (keyframes start segments).
  let index = -1;
  for (let i = 0; i < segments.length; i += 1) if (segments[i]!.start <= keyframeTime + 0.001) index = i;
  if (index < 0) return 'not-yet';
  const seg = segments[index]!;
  if (!playlist.ended && keyframeTime >= seg.start + seg.duration) return 'not-yet';
  const h = createHash('sha256').update(init);
  for (const s of segments.slice(0, index + 1)) h.update(`\n${s.uri} ${s.duration}`);
  return {
    keyframeTime,
    init,
    segment: seg.uri,
    cutoff: Math.max(0, keyframeTime - seg.start) + KEYFRAME_SECONDS / 2,
    generation: h.digest('hex').slice(0, 16),
  };
}
