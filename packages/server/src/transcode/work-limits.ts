/**
 * How much work one upload may ask of the worker, checked on the probe
 * before anything is encoded. A few megabytes of black frames can claim
 * hours of 4K; without these bounds one upload holds the only worker for
 * as long as it likes.
 */
import { SluiceError } from '../errors.js';
import type { ProbeResult } from './probe.js';

export interface WorkLimits {
  /** Longest accepted video, in seconds (SLUICE_MAX_DURATION, or a stricter token claim). */
  maxDuration: number;
  /** Where maxDuration comes from, for the message. */
  durationSource: string;
  /** Decoded pixels per second: width × height × frames per second (SLUICE_MAX_PIXEL_RATE). */
  maxPixelRate: number;
  /** Widest and tallest accepted coded picture. */
  maxDimension: number;
}

/** 8192 is H.264's own ceiling (level 6.2: 8192×4320); bigger pictures only cost memory. */
export const MAX_DIMENSION = 8192;
/** What the ffmpeg run may go past the accepted duration before it is stopped (timestamps are not exact). */
export const DURATION_MARGIN_SECONDS = 1;

/** The limits for one video: the server's, with the upload token's maxDuration claim when stricter. */
export function limitsFor(server: { maxDurationSeconds: number; maxPixelRate: number }, claim: number | null | undefined): WorkLimits {
  const claimWins = typeof claim === 'number' && claim > 0 && claim < server.maxDurationSeconds;
  return {
    maxDuration: claimWins ? claim : server.maxDurationSeconds,
    durationSource: claimWins ? "the upload token's maxDuration" : 'SLUICE_MAX_DURATION',
    maxPixelRate: server.maxPixelRate,
    maxDimension: MAX_DIMENSION,
  };
}

/** Throws SLUICE_ERR_MEDIA_TOO_LONG / SLUICE_ERR_MEDIA_TOO_LARGE when the probed video exceeds a limit. */
export function checkWorkLimits(p: ProbeResult, limits: WorkLimits): void {
  if (p.duration > limits.maxDuration) {
    throw new SluiceError('SLUICE_ERR_MEDIA_TOO_LONG',
      `The video is ${formatSeconds(p.duration)} long; at most ${formatSeconds(limits.maxDuration)} is accepted (${limits.durationSource}).`);
  }
  const { codedWidth: w, codedHeight: h } = p;
  if (w > limits.maxDimension || h > limits.maxDimension) {
    throw new SluiceError('SLUICE_ERR_MEDIA_TOO_LARGE',
      `The picture is ${w}×${h}; at most ${limits.maxDimension} pixels wide and tall is accepted.`);
  }
  const rate = w * h * p.frameRate;
  if (rate > limits.maxPixelRate) {
    throw new SluiceError('SLUICE_ERR_MEDIA_TOO_LARGE',
      `The video is ${w}×${h} at ${round(p.frameRate)} fps, ${Math.round(rate)} pixels per second; at most ${limits.maxPixelRate} is accepted (SLUICE_MAX_PIXEL_RATE).`);
  }
}

/** 4000 → "1h 6m 40s (4000 s)"; 59.5 → "59.5 s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${round(s)} s`;
  const total = Math.round(s);
  const parts = [[Math.floor(total / 3600), 'h'], [Math.floor((total % 3600) / 60), 'm'], [total % 60, 's']] as const;
  return `${parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ')} (${round(s)} s)`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
