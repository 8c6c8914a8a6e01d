/**
 * Turns what `<video-stream-player>` does into event-log lines: its own
 * events, a few media events, and changes read from its properties
 * (engine, quality, playlist re-fetches) that have no event of their own.
 */
import type { StreamErrorDetail, StreamFallbackDetail, StreamRecoveredDetail, VideoStatus, VideoStreamPlayer } from '@sluice/player';
import { formatDuration, percent } from '../format.js';
import type { EventLog } from './event-log.js';

const POLL_MS = 500;

/** Starts logging; returns a function that stops. `changed` runs on every poll (for live stats). */
export function logPlayerEvents(player: VideoStreamPlayer, log: EventLog, changed: () => void): () => void {
  const off: (() => void)[] = [];
  const on = <T>(type: string, fn: (detail: T, e: Event) => void): void => {
    const listener = (e: Event): void => fn((e as CustomEvent<T>).detail, e);
    player.addEventListener(type, listener);
    off.push(() => player.removeEventListener(type, listener));
  };

  on<StreamRecoveredDetail>('stream-recovered', (d) => {
    const what = d.reason === 'token' ? 'token renewed' : d.reason === 'expired' ? 'expired link re-signed' : 'refused link re-signed';
    log.add('stream-recovered', 'good', `Recovered: ${what} in ${Math.round(d.stallMs)} ms, playback never stopped`);
  });
  on<StreamFallbackDetail>('stream-fallback', (d) => {
    log.add('stream-fallback', 'warn', `HLS failed (${d.reason}); switched from ${d.from} to the MP4 at ${formatDuration(d.position)}`);
  });
  on<StreamErrorDetail>('stream-error', (d) => log.add('stream-error', 'bad', `${d.code}: ${d.message}`));
  on('token-expired', () => log.add('token-expired', 'warn', 'The playback token expired; asking for a new one'));
  let lastStatus = '';
  on<VideoStatus>('status-change', (d) => {
    const key = `${d.status}:${d.playable}`;
    if (key === lastStatus) return;
    lastStatus = key;
    const extra = d.status === 'processing' ? ` (${percent(d.progress)}${d.playable ? ', playable while encoding' : ''})` : '';
    log.add('status-change', d.status === 'failed' ? 'bad' : 'info', `Video ${d.status}${extra}`);
  });
  on('playing', () => log.add('playing', 'info', `Playing at ${formatDuration(player.currentTime)}`));
  on('pause', () => { if (!player.ended) log.add('pause', 'info', `Paused at ${formatDuration(player.currentTime)}`); });
  on('seeked', () => log.add('seeked', 'info', `Seeked to ${formatDuration(player.currentTime)}`));
  on('waiting', () => log.add('waiting', 'info', 'Buffering…'));
  on('ended', () => log.add('ended', 'info', 'Ended'));

  // Engine, quality and re-signing have no event: compare snapshots.
  let engine = player.engine;
  let level = player.currentLevel;
  let refetches = player.refetches;
  const timer = setInterval(() => {
    if (player.engine !== engine) {
      engine = player.engine;
      if (engine) log.add('engine', 'info', `Engine: ${engine}`);
    }
    if (player.currentLevel !== level) {
      level = player.currentLevel;
      const l = player.levels[level];
      if (l) log.add('quality', 'info', `Quality: ${l.name} (${l.width}×${l.height})${player.level === -1 ? ', automatic' : ''}`);
    }
    if (player.refetches > refetches) {
      const n = player.refetches - refetches;
      refetches = player.refetches;
      log.add('re-signed', 'good', `Expired links re-signed: ${n} playlist re-fetch${n === 1 ? '' : 'es'} (total ${refetches}), no error surfaced`);
    } else refetches = player.refetches;
    changed();
  }, POLL_MS);
  off.push(() => clearInterval(timer));
  return () => { for (const f of off) f(); };
}
