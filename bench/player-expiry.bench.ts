/**
 * `pnpm bench player-expiry [seconds] [--native]`: `<video-stream-player>`
 * plays 2 min of HLS whose signed URLs live 6 s (≈ 20 forced expiries; a
 * loopback server with Sluice's semantics: 410 + no-store once expired),
 * and, in the same run, the same video with URLs that never expire as the
 * reference. Prints stall counts and totals (aim: 0 stalls over 500 ms) and
 * the expiry work done. `--native` adds the same drill on the native engine
 * (MediaSource hidden; Chromium 156 plays HLS itself) with Sluice's
 * `expiry=linear` playlists, its own no-expiry reference, and a run that
 * seeks back into expired media at 20 s (what one reactive reload costs),
 * next to the hls.js numbers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite, launch, open } from './support/player-pages.js';

const args = process.argv.slice(2);
const native = args.includes('--native');
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 120);
const TTL = 6;
const site = await buildSite(mkdtempSync(join(tmpdir(), 'sluice-player-expiry-')), seconds + 10);
const browser = await launch();
interface Stats { stalls: number[]; errors: number; recovered?: number; recoveredMs?: number[]; resigned?: number; t: number; reloads: number }
interface Run { name: string; path: string; native: boolean; query?: string }
const runs: Run[] = [
  { name: 'hls.js, expiring URLs', path: `/signed/${TTL}/hls/master.m3u8`, native: false },
  { name: 'hls.js, reference (no expiry)', path: '/hls/master.m3u8', native: false },
  ...(native ? [
    { name: 'native, expiring linear URLs', path: `/linear/${TTL}/hls/master.m3u8`, native: true },
    { name: 'native, reference (no expiry)', path: '/hls/master.m3u8', native: true },
    // Not linear: at 20 s a seek back to 2 s meets a URL that expired at load + 8 s (a reactive reload).
    { name: 'native, expiring linear URLs + seek back at 20 s', path: `/linear/${TTL}/hls/master.m3u8`, native: true, query: '&seekBack=20' },
  ] : []),
];
try {
  const start = site.log.length;
  const results = await Promise.all(runs.map(async (run) => {
    const page = await open(browser, `${site.url}/ours.html?src=${encodeURIComponent(site.url + run.path)}${run.native ? '&native=1' : ''}${run.query ?? ''}`);
    await page.waitForFunction(`window.__media.currentTime >= ${seconds}`, undefined, { timeout: (seconds + 90) * 1000, polling: 500 });
    const s = (await page.evaluate('({ ...window.__stats, t: window.__media.currentTime, reloads: window.__media.engine === "native-hls" ? window.__media.refetches : 0, engine: window.__media.engine })')) as Stats & { engine: string };
    await page.context().close();
    if (s.engine !== (run.native ? 'native-hls' : 'hls.js')) throw new Error(`${run.name} ran on ${s.engine}`);
    return s;
  }));
  const log = site.log.slice(start);
  for (const prefix of ['/signed/', ...(native ? ['/linear/'] : [])]) {
    const reqs = log.filter((r) => r.path.startsWith(prefix));
    const refetches = reqs.filter((r) => /\/v\d\.m3u8$/.test(r.path)).length;
    const gone = reqs.filter((r) => r.status === 410).length;
    console.log(`${prefix.slice(1, -1)} URLs, lifetime ${TTL} s over ${seconds} s of playback (${Math.floor(seconds / TTL)} expiries): ${refetches} media playlist fetches (incl. first loads), ${gone} requests met 410`);
  }
  const stalled = (s: Stats): number => s.stalls.reduce((a, b) => a + b, 0);
  runs.forEach((run, i) => {
    const s = results[i]!;
    const long = s.stalls.filter((ms) => ms > 500).length;
    const reloadMs = s.recoveredMs?.length ? ` (reload stalls ${s.recoveredMs.map((ms) => ms.toFixed(0)).join(', ')} ms)` : '';
    console.log(`${run.name}: played ${s.t.toFixed(0)} s, ${s.stalls.length} stalls (${long} over 500 ms), ${stalled(s).toFixed(0)} ms stalled in total, ${s.errors} errors, ${s.recovered ?? 0} recovered${reloadMs}, ${s.resigned ?? 0} re-signed ahead, ${s.reloads} reloads`);
  });
  const ratio = (a: Stats, b: Stats): string => ((stalled(a) + 1) / (stalled(b) + 1)).toFixed(2);
  console.log(`ratio stalled-ms expiring/reference, hls.js: ${ratio(results[0]!, results[1]!)} (+1 ms each to avoid 0/0)`);
  if (native) console.log(`ratio stalled-ms expiring/reference, native: ${ratio(results[2]!, results[3]!)}`);
} finally {
  await browser.close();
  await site.close();
}
