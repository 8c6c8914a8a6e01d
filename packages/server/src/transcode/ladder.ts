/**
 * The adaptive ladder: which renditions to encode for a source, at what size
 * and bitrate. Rungs are named by the SHORT side, so a portrait 720x1280
 * rendition is "720p" like a landscape 1280x720 one.
 */
import type { ProbeResult } from './probe.js';

export interface Rendition {
  /** '1080p' | '720p' | '480p' | '360p', or `<short side>p` for a source below 360p. */
  name: string;
  width: number;
  height: number;
  /** bits/s (average target; the encoder caps peaks at `maxrate`). */
  videoBitrate: number;
  /** bits/s; 0 when the source has no audio. */
  audioBitrate: number;
  /** bits/s for the master playlist's BANDWIDTH: peak video + audio + container overhead. */
  bandwidth: number;
}

interface Rung { short: number; videoKbps: number; audioKbps: number }

/** Reference bitrates for 30 fps H.264 (veryfast) at each rung. */
const RUNGS: readonly Rung[] = [
  { short: 1080, videoKbps: 5000, audioKbps: 128 },
  { short: 720, videoKbps: 2800, audioKbps: 128 },
  { short: 480, videoKbps: 1400, audioKbps: 128 },
  { short: 360, videoKbps: 800, audioKbps: 96 },
];

/** A source this close below a rung (e.g. 853x479) still gets that rung, at the source's own size. */
const RUNG_TOLERANCE = 0.95;
/** `-maxrate` = videoBitrate × this; BANDWIDTH is computed from it. */
export const MAXRATE_FACTOR = 1.1;
/** fMP4 boxes and HLS overhead on top of the elementary streams. */
const OVERHEAD = 1.1;
const MIN_VIDEO_KBPS = 150;

/** Plans the renditions for a probed source, biggest first. Never upscales. */
export function planLadder(p: ProbeResult): Rendition[] {
  const srcShort = Math.min(p.width, p.height);
  const picked = RUNGS.filter((r) => srcShort >= r.short * RUNG_TOLERANCE);
  if (picked.length === 0) {
    // Below 360p: one rendition at the source's own (even) size.
    const lowest = RUNGS[RUNGS.length - 1] as Rung;
    return [rendition(p, lowest, evenFloor(srcShort), true)];
  }
  return picked.map((r) => rendition(p, r, Math.min(r.short, evenFloor(srcShort)), false));
}

function rendition(p: ProbeResult, rung: Rung, short: number, ownName: boolean): Rendition {
  const landscape = p.width >= p.height;
  const srcShort = landscape ? p.height : p.width;
  const srcLong = landscape ? p.width : p.height;
  const long = Math.max(2, evenRound((srcLong * short) / srcShort));
  const width = landscape ? long : short;
  const height = landscape ? short : long;
  // Bitrate follows the pixel count (a capped or tiny rung needs less) and frame rate.
  const nominalPixels = rung.short * Math.round((rung.short * 16) / 9);
  const pixelScale = Math.min(1, (width * height) / nominalPixels);
  const fpsScale = p.frameRate > 40 ? 1.5 : 1;
  const videoBitrate = Math.round(Math.max(MIN_VIDEO_KBPS, rung.videoKbps * pixelScale * fpsScale)) * 1000;
  const audioBitrate = p.hasAudio ? rung.audioKbps * 1000 : 0;
  const bandwidth = Math.round((videoBitrate * MAXRATE_FACTOR + audioBitrate) * OVERHEAD);
  return { name: `${ownName ? short : rung.short}p`, width, height, videoBitrate, audioBitrate, bandwidth };
}

function evenFloor(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

function evenRound(n: number): number {
  return Math.round(n / 2) * 2;
}
