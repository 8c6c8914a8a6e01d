/**
 * Keyboard shortcuts (YouTube's, which users already know): space/k play or
 * pause, j/l ±10 s, ←/→ ±5 s, ↑/↓ volume, m mute, f fullscreen, c captions.
 */

export interface KeyTarget {
  paused: boolean; currentTime: number; duration: number; volume: number; muted: boolean;
  play(): Promise<void>; pause(): void; toggleFullscreen(): void; toggleCaptions(): void;
}

/** Controls that use these keys themselves (a slider's arrows, a button's space). */
const OWN_KEYS: Record<string, readonly string[]> = {
  INPUT: [' ', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'],
  SELECT: [' ', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'],
  BUTTON: [' ', 'Enter'],
};

const seek = (t: KeyTarget, by: number): void => {
  const end = Number.isFinite(t.duration) ? t.duration : Infinity;
  t.currentTime = Math.min(Math.max(0, t.currentTime + by), end);
};

/** Applies the shortcut for `e` to `target`; returns true when it handled the key. */
export function handleShortcut(e: KeyboardEvent, target: KeyTarget): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  const origin = e.composedPath()[0];
  const tag = origin instanceof HTMLElement ? origin.tagName : '';
  if (OWN_KEYS[tag]?.includes(e.key)) return false;
  switch (e.key) {
    case ' ': case 'k': case 'K':
      if (target.paused) target.play().catch(() => undefined); else target.pause();
      return true;
    case 'j': case 'J': seek(target, -10); return true;
    case 'l': case 'L': seek(target, 10); return true;
    case 'ArrowLeft': seek(target, -5); return true;
    case 'ArrowRight': seek(target, 5); return true;
    case 'ArrowUp': target.volume = Math.min(1, target.volume + 0.1); target.muted = false; return true;
    case 'ArrowDown': target.volume = Math.max(0, target.volume - 0.1); return true;
    case 'm': case 'M': target.muted = !target.muted; return true;
    case 'f': case 'F': target.toggleFullscreen(); return true;
    case 'c': case 'C': target.toggleCaptions(); return true;
    default: return false;
  }
}
