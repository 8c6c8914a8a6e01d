// SCRATCH (not committed): validates the harness pieces against today's single-node server.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startCluster } from './cluster.js';
import { checkRenditions, objectBytes, sha256 } from './cluster-checks.js';
import { clusterUpload, followEvents, PatchGate } from './cluster-client.js';
import { apiConnections, ffmpegOf, nodeCarryingRequest, workerRunning } from './cluster-kill.js';
import { launchChromium } from './demo-browser.js';

const clip = '/tmp/cluster-scratch/c.mp4';
execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=854x480:rate=25:duration=12', '-f', 'lavfi', '-i', 'sine=duration=12', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '1M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
const t0 = Date.now();
const cluster = await startCluster({ engine: 'postgres', apis: 1, workers: 0, apiJobs: true, migrate: false });
console.log('booted in', Date.now() - t0, 'ms', cluster.url);
try {
  const [up, admin] = await Promise.all([cluster.token('upload'), cluster.token('admin')]);
  const gate = new PatchGate();
  const before = apiConnections(cluster);
  const held = gate.arm();
  const done = clusterUpload(`${cluster.url}/api/uploads`, readFileSync(clip), 'c.mp4', up, { chunkSize: 256 * 1024, delayMs: 10, gate });
  const offset = await held;
  const node = nodeCarryingRequest(cluster, before);
  console.log('held at', offset, 'on', node.name);
  gate.release();
  const u = await done;
  console.log('uploaded', u.videoId, 'retries', u.retries, 'url', u.url);
  const ac = new AbortController();
  const f = followEvents(cluster.url, u.videoId, u.videoToken, ac.signal);
  for (;;) {
    const r = await fetch(`${cluster.url}/api/videos/${u.videoId}`, { headers: { authorization: `Bearer ${admin}` } });
    const d = await r.json() as { status: string; progress?: number };
    if (d.status === 'processing' && (d.progress ?? 0) > 0.2) {
      console.log('progress', d.progress, 'ffmpeg in api group:', ffmpegOf(node, u.videoId), 'workerRunning:', (await workerRunning(cluster, u.videoId))?.name);
      break;
    }
    if (d.status === 'ready') { console.log('too fast'); break; }
    await new Promise((r) => setTimeout(r, 50));
  }
  const res = await f;
  console.log('SSE', res.statuses, res.connections);
  const orig = await objectBytes(cluster.storage, `uploads/${u.videoId}`);
  console.log('sha equal', sha256(orig) === sha256(readFileSync(clip)));
  const rep = await checkRenditions(cluster.storage, res.final);
  console.log(JSON.stringify({ variants: rep.variants, stray: rep.stray, missing: rep.missing, objects: rep.objects.map((o) => `${o.key} ${o.lastModified.toISOString()}`) }, null, 1));
  console.log(cluster.lb.accessLog().slice(0, 12).map((l) => `${l.method} ${l.status} ${l.upstreams.join(",")}`));
  const browser = await launchChromium();
  const tab = await browser.newPage();
  await tab.goto(`${cluster.url}/cluster-static/play.html`);
  console.log('play', await tab.evaluate(`window.play(${JSON.stringify(res.final.hls)})`));
  await tab.waitForFunction(`document.getElementById('v').currentTime >= 3`, undefined, { timeout: 60_000, polling: 100 });
  console.log('played; errors', await tab.evaluate(`window.journal.errors`));
  await browser.close();
} catch (e) {
  console.error(e, cluster.logs());
} finally {
  await cluster.stop();
}
console.log('total', Date.now() - t0, 'ms');
