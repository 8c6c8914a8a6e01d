/**
 * `pnpm bench player-expiry [seconds]`: `<video-stream-player>` plays 2 min
 * of HLS whose signed URLs live 6 s (≈ 20 forced expiries; a loopback server
 * with Sluice's semantics: 410 + no-store once expired), and, in the same run,
 * the same video with URLs that never expire as the reference. Prints stall
 * counts and totals (aim: 0 stalls over 500 ms) and the expiry work done.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, launch, open } from './support/player-pages.js';

const seconds = Number(process.argv[2] ?? 120);
const TTL = 6;
const site = await buildSite(mkdtempSync(join(tmpdir(), 'sluice-player-expiry-')), seconds + 10);
const browser = await launch();
interface Stats { stalls: number[]; errors: number; t: number }
try {
  const start = site.log.length;
  const [expiring, plain] = await Promise.all([`/signed/${TTL}/hls/master.m3u8`, '/hls/master.m3u8'].map(async (path) => {
    const page = await open(browser, `${site.url}/ours.html?src=${encodeURIComponent(site.url + path)}`);
    await page.waitForFunction(`window.__media.currentTime >= ${seconds}`, undefined, { timeout: (seconds + 60) * 1000, polling: 500 });
    const s = (await page.evaluate('({ ...window.__stats, t: window.__media.currentTime })')) as Stats;
    await page.context().close();
    return s;
  })) as [Stats, Stats];
  const signed = site.log.slice(start).filter((r) => r.path.startsWith('/signed/'));
  const refetches = signed.filter((r) => /\/v\d\.m3u8$/.test(r.path)).length;
  const gone = signed.filter((r) => r.status === 410).length;
  const report = (name: string, s: Stats): void => {
    const total = s.stalls.reduce((a, b) => a + b, 0);
    const long = s.stalls.filter((ms) => ms > 500).length;
    console.log(`${name}: played ${s.t.toFixed(0)} s, ${s.stalls.length} stalls (${long} over 500 ms), ${total.toFixed(0)} ms stalled in total, ${s.errors} errors`);
  };
  console.log(`URL lifetime ${TTL} s over ${seconds} s of playback (${Math.floor(seconds / TTL)} forced expiries): ${refetches} media playlist fetches (incl. first loads), ${gone} requests met 410 and were re-signed`);
  report('expiring URLs', expiring);
  report('reference (no expiry)', plain);
  const stalled = (s: Stats): number => s.stalls.reduce((a, b) => a + b, 0);
  console.log(`ratio stalled-ms expiring/reference: ${((stalled(expiring) + 1) / (stalled(plain) + 1)).toFixed(2)} (+1 ms each to avoid 0/0)`);
} finally {
  await browser.close();
  await site.close();
}
