/**
 * When to try again: exponential backoff with full jitter ("Exponential
 * Backoff And Jitter", AWS Architecture Blog) — a random wait between 0 and
 * min(cap, base · 2^(attempt−1)), so receivers that come back are not hit
 * by every sender at once.
 */
export interface Backoff {
  baseMs: number;
  capMs: number;
}

export function retryDelayMs(attempts: number, { baseMs, capMs }: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(random() * ceiling);
}
