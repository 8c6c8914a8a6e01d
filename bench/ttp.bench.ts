/**
 * `pnpm bench ttp`: time to playable — from the moment a tus upload finished
 * to the first video frame rendered by hls.js in Chromium — for a 60 s and a
 * 10 min 1080p clip, with 2 s and 4 s segments. The reference measured in the
 * same run is the time the whole transcode takes (60 s clip): the ratio says
 * how much sooner viewers can start than if playback waited for `ready`.
 * Options: --long 600 (seconds of the long clip), --segments 2,4
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSluice } from '../test/support/sluice-server.mjs';
import { tusUpload } from '../packages/server/test/support/tus.js';
import { launchChromium, serveStatic } from './support/browser.js';

const { values } = parseArgs({ options: { long: { type: 'string', default: '600' }, segments: { type: 'string', default: '2,4' } } });
const cache = fileURLToPath(new URL('./.cache/', import.meta.url));
const require = createRequire(import.meta.url);

function clip(seconds: number): string {
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `ttp-1080p-${seconds}s.mp4`);
  if (existsSync(file)) return file;
  process.stdout.write(`generating a ${seconds} s 1080p clip (cached in bench/.cache)…\n`);
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', `${file}.tmp.mp4`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg failed');
  renameSync(`${file}.tmp.mp4`, file);
  return file;
}

const PAGE = `<!doctype html><video id="v" muted playsinline></video><script src="/hls.js"></script><script>
window.firstFrame = (src) => new Promise((resolve, reject) => {
  const v = document.getElementById('v');
  const hls = new Hls({ startPosition: 0 });
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) reject(new Error(d.details)); });
  hls.loadSource(src);
  hls.attachMedia(v);
  v.requestVideoFrameCallback(() => resolve(Date.now()));
  v.play().catch(() => {});
});
</script>`;

/** Resolves with the status document the first time `predicate` holds, from the SSE stream. */
async function waitForStatus(url: string, id: string, token: string, predicate: (doc: { status: string; playable: boolean; hls?: string }) => boolean): Promise<{ status: string; playable: boolean; hls?: string }> {
  const res = await fetch(`${url}/api/videos/${id}/events?token=${token}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (const m of buffer.matchAll(/^data: (.*)$/gm)) {
      const doc = JSON.parse(m[1]!) as { status: string; playable: boolean; hls?: string };
      if (predicate(doc)) return doc; // leaving the loop cancels the stream
      if (doc.status === 'failed') throw new Error(`processing failed: ${m[1]}`);
    }
    buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
  }
  throw new Error('event stream ended');
}

async function main(): Promise<void> {
  const clips = [clip(60), clip(Number(values.long))];
  const { origin, server: pageServer } = await serveStatic({ '/': { html: PAGE }, '/hls.js': { file: require.resolve('hls.js/dist/hls.min.js') } });
  const browser = await launchChromium();
  const results: string[] = [];
  try {
    for (const seg of values.segments!.split(',')) {
      const server = await startSluice({ env: { SLUICE_SEGMENT_SECONDS: seg, SLUICE_CORS_ORIGINS: origin, LOG_LEVEL: 'warn' } });
      try {
        const mint = async (body: object) => ((await (await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
        const upload = await mint({ aud: 'upload' });
        const admin = await mint({ aud: 'admin' });
        for (const file of clips) {
          const page = await browser.newPage();
          await page.goto(origin);
          const { videoId, videoToken } = await tusUpload(`${server.url}/api/uploads`, file, upload);
          const uploaded = Date.now();
          const playable = await waitForStatus(server.url, videoId, videoToken, (d) => d.playable);
          const playableAt = Date.now();
          const frameAt = await page.evaluate((src) => (window as unknown as { firstFrame(s: string): Promise<number> }).firstFrame(src), playable.hls!);
          const ttp = (frameAt - uploaded) / 1000;
          let line = `${file.split('/').pop()}  segments ${seg}s: first frame ${ttp.toFixed(2)} s after upload (playable at ${((playableAt - uploaded) / 1000).toFixed(2)} s)`;
          if (file === clips[0]) {
            await waitForStatus(server.url, videoId, videoToken, (d) => d.status === 'ready');
            const ready = (Date.now() - uploaded) / 1000;
            line += `; ready at ${ready.toFixed(2)} s → ratio ttp/ready ${(ttp / ready).toFixed(3)}`;
          } else {
            await fetch(`${server.url}/api/videos/${videoId}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
          }
          results.push(line);
          process.stdout.write(`${line}\n`);
          await page.close();
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
    pageServer.close();
  }
  process.stdout.write(`\nsummary (aim: ≤ 3 s whatever the length; Mux median 9 s for 5–20 min videos):\n${results.join('\n')}\n`);
}

await main();
