/**
 * A track cut into HLS WebVTT segments (RFC 8216 §3.5) on the video's
 * timeline, and the VOD subtitle media playlist that lists them.
 *
 * Timing: every segment carries
 * `X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000`, i.e. cue time 0 is media
 * timestamp 0. That is where Sluice's fMP4 renditions start: ffmpeg writes
 * the first fragment of every rendition with tfdt (baseMediaDecodeTime) 0
 * for video and audio (measured; the captions tests check it on every
 * run), so cue times are the video's own times. hls.js reads an offset of
 * 0 as "cue times are the media element's times" and needs no initPTS.
 */
import { captionSegmentName } from '../storage/media-keys.js';
import { serialiseVtt, type Cue } from './parse-captions.js';

export const TIMESTAMP_MAP = 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000';

export interface SegmentedTrack {
  /** The media playlist; segment URIs relative to the captions/ folder. */
  playlist: string;
  /** WebVTT text of segment n, in order. */
  segments: string[];
}

/**
 * Segments of `segmentSeconds` covering [0, duration]; a cue goes into every
 * segment its time overlaps (RFC 8216 §3.5: a cue spanning a boundary is
 * repeated; players drop the duplicate), and cues after the end of the
 * video into the last segment, so none is lost.
 */
export function segmentTrack(trackId: string, cues: readonly Cue[], duration: number, segmentSeconds: number): SegmentedTrack {
  const count = Math.max(1, Math.ceil(duration / segmentSeconds - 1e-6));
  const segments: string[] = [];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${segmentSeconds}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  for (let n = 0; n < count; n++) {
    const from = n * segmentSeconds;
    const last = n === count - 1;
    const to = last ? Math.max(duration, from) : from + segmentSeconds;
    const inside = cues.filter((c) => c.start < (last ? Infinity : to) && c.end > from);
    segments.push(serialiseVtt(inside, [TIMESTAMP_MAP]));
    lines.push(`#EXTINF:${Math.max(0.001, to - from).toFixed(3)},`, captionSegmentName(trackId, n));
  }
  lines.push('#EXT-X-ENDLIST', '');
  return { playlist: lines.join('\n'), segments };
}
