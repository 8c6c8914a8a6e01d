/**
 * Pages for the player benches: our element and a bare hls.js page, built
 * into one folder with HLS test media and served on loopback; Chromium
 * through playwright-core.
 */
import { writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/support/chromium.mjs';
import { ensureStaticMedia, serveMedia } from '../../test/support/player-media.mjs';
import { bundle } from './player-build.js';

export interface BenchSite { url: string; log: { path: string; query: string; status: number }[]; close(): Promise<void> }

/**
 * `ours.html?src=…` plays `<video-stream-player>`; `bare.html?src=…` plays
 * hls.js on a plain `<video>`. Both record `window.__firstFrame`
 * (performance.now() at the first presented frame) and stall/error counters.
 */
export async function buildSite(dir: string, mediaSeconds: number): Promise<BenchSite> {
  ensureStaticMedia(dir, mediaSeconds);
  await bundle(`import './index.js';\n`, dir, 'ours');
  await bundle(`import Hls from 'hls.js';\nexport { Hls };\n`, dir, 'bare');
  const probe = `
    const q = new URLSearchParams(location.search);
    window.__stats = { stalls: [], errors: 0, waitingAt: 0 };
    function instrument(media, video) {
      video.requestVideoFrameCallback(() => { window.__firstFrame = performance.now(); });
      media.addEventListener('waiting', () => { __stats.waitingAt ||= performance.now(); });
      media.addEventListener('playing', () => { if (__stats.waitingAt) __stats.stalls.push(performance.now() - __stats.waitingAt); __stats.waitingAt = 0; });
      media.addEventListener('error', () => { __stats.errors += 1; });
    }`;
  // `&native=1`: MediaSource hidden, so the element plays with the browser's own HLS (Chromium 156 has it).
  writeFileSync(`${dir}/ours.html`, `<!doctype html><body><script type="module">
    import './ours.js';${probe}
    if (q.get('native')) for (const k of ['MediaSource', 'ManagedMediaSource', 'WebKitMediaSource']) delete self[k];
    const el = document.createElement('video-stream-player');
    el.muted = true; el.setAttribute('autoplay', '');
    el.addEventListener('stream-error', () => { __stats.errors += 1; });
    el.addEventListener('stream-fallback', () => { __stats.errors += 1; });
    el.addEventListener('stream-recovered', (e) => { __stats.recovered = (__stats.recovered ?? 0) + 1; (__stats.recoveredMs ??= []).push(e.detail.stallMs); });
    // \`&seekBack=<s>\`: once at <s> s, seek back to 2 s (media never loaded since, its URL long expired).
    const seekBack = Number(q.get('seekBack') || 0);
    if (seekBack) el.addEventListener('timeupdate', function once() { if (el.currentTime >= seekBack) { el.removeEventListener('timeupdate', once); el.currentTime = 2; } });
    el.addEventListener('stream-resigned', () => { __stats.resigned = (__stats.resigned ?? 0) + 1; });
    instrument(el, el.video);
    el.src = q.get('src');
    document.body.append(el);
    window.__media = el;
  </script></body>`);
  writeFileSync(`${dir}/bare.html`, `<!doctype html><body><script type="module">
    import { Hls } from './bare.js';${probe}
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true;
    document.body.append(v);
    instrument(v, v);
    const hls = new Hls({ startPosition: 0 });
    hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) __stats.errors += 1; });
    hls.attachMedia(v);
    hls.loadSource(q.get('src'));
    window.__media = v;
  </script></body>`);
  const server = await serveMedia(dir);
  return { url: server.url, log: server.log, close: () => server.close() };
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}

/** Opens `url` in a fresh context (empty cache) and returns the page. */
export async function open(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
