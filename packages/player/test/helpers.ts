/**
 * Shared helpers for the player's browser tests (real Chromium, real servers).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoStreamPlayer } from '../src/video-stream-player.js';

export const command = <T>(name: string, payload?: unknown): Promise<T> => executeServerCommand(name, payload) as Promise<T>;

/** The real Sluice server the runner started: { url, dataDir }. */
export async function sluice(): Promise<{ url: string; dataDir: string }> {
  return (await fetch('/__sluice.json')).json() as Promise<{ url: string; dataDir: string }>;
}

/** Resolves with the next `type` event from `target` (rejects on `stream-error` unless that is awaited). */
export function next<T extends Event = Event>(target: EventTarget, type: string, until: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (e: Event): void => {
      if (!until(e as T)) return;
      target.removeEventListener(type, on);
      target.removeEventListener('stream-error', fail);
      resolve(e as T);
    };
    const fail = (e: Event): void => {
      if (type === 'stream-error') return;
      target.removeEventListener(type, on);
      reject(new Error(`stream-error while waiting for ${type}: ${JSON.stringify((e as CustomEvent).detail)}`));
    };
    target.addEventListener(type, on);
    target.addEventListener('stream-error', fail);
  });
}

/** Polls `check` every 50 ms until it returns true. */
export async function until(check: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; !check(); i += 1) {
    if (i > 2400) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves when currentTime has reached `t` while playing. */
export const playedTo = (el: VideoStreamPlayer, t: number): Promise<void> => until(() => el.currentTime >= t, `currentTime ≥ ${t}`);

/**
 * Watches a playing element: errors, stream-errors, backward jumps of
 * currentTime (not caused by a seek) and stalls (waiting → playing).
 */
export function watch(el: VideoStreamPlayer): { errors: string[]; backwards: number[]; stallsMs: number[]; recovered: number; stop(): void } {
  const out = { errors: [] as string[], backwards: [] as number[], stallsMs: [] as number[], recovered: 0, stop: () => undefined as void };
  let last = el.currentTime;
  let seeking = false;
  let waitingAt = 0;
  const on: Record<string, (e: Event) => void> = {
    error: () => out.errors.push(`media error ${el.error?.code ?? '?'}`),
    'stream-error': (e) => out.errors.push(JSON.stringify((e as CustomEvent).detail)),
    'stream-recovered': () => { out.recovered += 1; },
    seeking: () => { seeking = true; },
    seeked: () => { seeking = false; last = el.currentTime; },
    timeupdate: () => {
      if (!seeking && el.currentTime + 0.001 < last) out.backwards.push(last - el.currentTime);
      last = el.currentTime;
    },
    waiting: () => { waitingAt ||= performance.now(); },
    playing: () => { if (waitingAt) out.stallsMs.push(performance.now() - waitingAt); waitingAt = 0; },
  };
  for (const [t, f] of Object.entries(on)) el.addEventListener(t, f);
  out.stop = () => { for (const [t, f] of Object.entries(on)) el.removeEventListener(t, f); };
  return out;
}

/** A fresh `<video-stream-player>` in the document (removed by `cleanup`). */
export function player(attrs: Record<string, string>, props: Partial<VideoStreamPlayer> = {}): VideoStreamPlayer {
  const el = document.createElement('video-stream-player');
  Object.assign(el, props);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  return el;
}

export function cleanup(): void {
  for (const el of document.querySelectorAll('video-stream-player')) { el.pause(); el.remove(); }
}
