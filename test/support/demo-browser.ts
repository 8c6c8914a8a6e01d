/**
 * Debian Chromium driven by playwright-core for the demo journey: launch
 * (never downloads a browser), screenshots into test/artifacts/, and small
 * readers of the demo's player and event log.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from './chromium.mjs';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/demo-journey', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
}

/** Full-page PNG under test/artifacts/demo-journey/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What the Watch page's player reports (read in the page). */
export interface PlayerState { currentTime: number; paused: boolean; engine: string | null; refetches: number; level: number; levels: number; error: string | null }

export function playerState(page: Page): Promise<PlayerState> {
  return page.evaluate(`(() => {
    const p = document.querySelector('video-stream-player');
    const err = p && p.shadowRoot ? p.shadowRoot.querySelector('[part="error"]') : null;
    return { currentTime: p.currentTime, paused: p.paused, engine: p.engine, refetches: p.refetches,
      level: p.currentLevel, levels: p.levels.length, error: err ? err.textContent : null };
  })()`);
}

/** Waits until the player's `currentTime` reaches `seconds`. */
export async function waitForTime(page: Page, seconds: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(`document.querySelector('video-stream-player').currentTime >= ${seconds}`, undefined, { timeout, polling: 100 });
}

/** The `data-event` of every event-log line, oldest first. */
export async function loggedEvents(page: Page): Promise<string[]> {
  const events = await page.locator('[data-testid="event-log"] [data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event') ?? ''));
  return events.reverse();
}
