/**
 * `pnpm bench player-start [runs]`: time to first frame on loopback, from
 * navigation start to the first presented frame (requestVideoFrameCallback),
 * for `<video-stream-player>` (element + lazy hls.js chunk) and, in the same
 * run and browser, a bare page that imports hls.js directly. Aim: ≤ 1.1×.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, launch, median, open } from './support/player-pages.js';

const runs = Number(process.argv[2] ?? 9);
const site = await buildSite(mkdtempSync(join(tmpdir(), 'sluice-player-start-')), 20);
const browser = await launch();
const src = encodeURIComponent(`${site.url}/hls/master.m3u8`);
const times: Record<'ours' | 'bare', number[]> = { ours: [], bare: [] };
try {
  for (let i = 0; i < runs + 1; i += 1) {
    // Alternate the order; the first round warms the OS file cache and is dropped.
    for (const kind of (i % 2 ? ['bare', 'ours'] : ['ours', 'bare']) as ('ours' | 'bare')[]) {
      const page = await open(browser, `${site.url}/${kind}.html?src=${src}`);
      await page.waitForFunction('window.__firstFrame !== undefined', undefined, { timeout: 30_000 });
      const t = (await page.evaluate('window.__firstFrame')) as number;
      if (i > 0) times[kind].push(t);
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  await site.close();
}
const ours = median(times.ours);
const bare = median(times.bare);
console.log(`first frame, median of ${runs}: player ${ours.toFixed(0)} ms, bare hls.js ${bare.toFixed(0)} ms`);
console.log(`  player runs: ${times.ours.map((t) => t.toFixed(0)).join(' ')}`);
console.log(`  bare runs:   ${times.bare.map((t) => t.toFixed(0)).join(' ')}`);
console.log(`ratio player/bare-hls.js: ${(ours / bare).toFixed(2)} (aim ≤ 1.10)`);
