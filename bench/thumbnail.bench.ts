/**
 * Thumbnail latency (`pnpm bench thumbnail`).
 *
 * A real server (local disk) with the 10 s 720p fixture transcoded. Cold:
 * the first request of each picture (5 keyframes × 4 widths, each asked
 * once, one at a time), so each one is an ffmpeg run behind the HTTP route.
 * Cached: the same pictures asked again, 200 requests one at a time.
 * Reference, in the same run: a plain `ffmpeg -ss T -i video.mp4 -frames:v 1
 * -vf scale=W:-2 out.jpg` on the video's own MP4 fallback (what a server
 * without the thumbnail route would spawn per request). Prints p50/p95 and
 * ratios against the reference's p50. Not a pass/fail test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp } from '../packages/server/test/support/test-app.js';
import { tusUpload } from '../packages/server/test/support/tus.js';
import { waitSettled } from '../packages/server/test/support/api.js';
import { MP4 } from '../packages/server/src/storage/media-keys.js';

const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = execFileSync(process.execPath, [join(root, 'scripts', 'fixtures.mjs')], { encoding: 'utf8' }).trim();

const TIMES = [1, 3, 5, 7, 9];
const WIDTHS = [160, 320, 480, 640];
const CACHED_REQUESTS = 200;

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };
const line = (name: string, xs: number[]): string => `${name}: p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms (n=${xs.length})`;

const work = mkdtempSync(join(tmpdir(), 'sluice-bench-thumbnail-'));
const t = await startTestApp({ SLUICE_SEGMENT_SECONDS: '4' });
try {
  const r = await tusUpload(`${t.url}/api/uploads`, join(fixtures, 'clip-720p-10s.mp4'), t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  if (doc.status !== 'ready') throw new Error(`processing failed: ${JSON.stringify(doc.error)}`);
  const url = (time: number, width: number): string => `${t.url}/api/videos/${r.videoId}/thumbnail.jpg?time=${time}&width=${width}&token=${r.videoToken}`;
  const get = async (time: number, width: number): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(url(time, width));
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`thumbnail ${time}/${width}: HTTP ${res.status}`);
    return performance.now() - t0;
  };
  // One request to warm the route, the JIT and the connection (its picture is not among the measured ones).
  await get(0, 200);

  const cold: number[] = [];
  for (const time of TIMES) for (const width of WIDTHS) cold.push(await get(time, width));
  const cached: number[] = [];
  for (let i = 0; i < CACHED_REQUESTS; i += 1) cached.push(await get(TIMES[i % TIMES.length]!, WIDTHS[i % WIDTHS.length]!));

  const mp4 = join(t.app.sluice.layout.mediaDir(r.videoId), MP4);
  const reference: number[] = [];
  for (const time of TIMES) {
    for (const width of WIDTHS) {
      const out = join(work, `ref-${time}-${width}.jpg`);
      const t0 = performance.now();
      const p = spawnSync(ffmpegPath, ['-v', 'error', '-ss', String(time), '-i', mp4, '-frames:v', '1', '-vf', `scale=${width}:-2`, '-y', out]);
      reference.push(performance.now() - t0);
      if (p.status !== 0) throw new Error(`reference ffmpeg failed: ${p.stderr.toString()}`);
    }
  }

  const runs = (await (await fetch(`${t.url}/api/admin/jobs?token=${t.token({ aud: 'admin' })}`)).json()) as { thumbnails: { runs: number } };
  console.log(`video: clip-720p-10s.mp4, 4 s segments, ${TIMES.length} times × ${WIDTHS.length} widths; thumbnail ffmpeg runs: ${runs.thumbnails.runs}`);
  console.log(line('thumbnail cold (route + ffmpeg)', cold));
  console.log(line('thumbnail cached', cached));
  console.log(line('reference: plain ffmpeg -ss T -i video.mp4 -frames:v 1', reference));
  console.log(`ratio cold/reference (p50): ${(pct(cold, 50) / pct(reference, 50)).toFixed(2)}`);
  console.log(`ratio cached/reference (p50): ${(pct(cached, 50) / pct(reference, 50)).toFixed(3)}`);
} finally {
  await t.close();
  rmSync(work, { recursive: true, force: true });
}
