/**
 * `pnpm bench delivery`: our media route vs nginx 1.22 (secure_link +
 * sendfile, 1 worker) on the same files, each server pinned to core 0 and
 * wrk to core 1 (FINDINGS.md "Range delivery" method).
 * - random signed 64 KiB ranges of a 64 MiB file → req/s, ratio ours/nginx (aim ≥ 0.8);
 * - whole 4 MiB segments → server CPU µs per request, nginx µs / ours µs (aim ≥ 0.5).
 * Options: --plain (our route without its Prometheus metrics, to see what
 * counting costs), --seconds N per run (default 10), --runs N (default 2; servers
 * alternate, best run of each is reported, since other work on the machine
 * only ever slows a run down).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderNginxConfig } from '../packages/server/src/delivery/nginx-config.js';
import { createUrlSigner, type UrlSigner } from '../packages/server/src/signing/url-signer.js';
import { startNginx } from '../packages/server/test/delivery/support/nginx.js';
import { cpuMicros, runWrk, writeWrkScript, type WrkRequest } from './support/wrk.js';

const MiB = 1024 * 1024;
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('--seconds', 10);
const RUNS = arg('--runs', 2);
const COUNTED = process.argv.includes('--plain') ? 'plain' : 'metrics';
const SECRET = 'bench-delivery-secret';
const SEGMENTS = 6;
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-delivery-'));
const media = join(dir, 'media');

function makeFiles(): void {
  mkdirSync(join(media, 'v1', 'hls'), { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  const big = join(media, 'v1', 'big.mp4');
  writeFileSync(big, Buffer.concat(Array.from({ length: 64 }, () => randomBytes(MiB))));
  utimesSync(big, old, old);
  for (let i = 0; i < SEGMENTS; i++) {
    const f = join(media, 'v1', 'hls', `seg_${i}.m4s`);
    writeFileSync(f, randomBytes(4 * MiB));
    utimesSync(f, old, old);
  }
}

function rangeRequests(signer: UrlSigner, count: number): WrkRequest[] {
  const path = '/media/v1/big.mp4';
  const q = signer.sign(path, Math.floor(Date.now() / 1000) + 3600);
  return Array.from({ length: count }, () => {
    const start = randomInt(0, 64 * MiB - 64 * 1024);
    return { path: `${path}?${q}`, headers: { Range: `bytes=${start}-${start + 64 * 1024 - 1}` } };
  });
}

function segmentRequests(signer: UrlSigner): WrkRequest[] {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return Array.from({ length: SEGMENTS }, (_, i) => {
    const path = `/media/v1/hls/seg_${i}.m4s`;
    return { path: `${path}?${signer.sign(path, exp)}` };
  });
}

async function startOurs(): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const script = join(root, 'packages', 'server', 'test', 'delivery', 'support', 'media-server.ts');
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', script, media, SECRET, 'hmac', COUNTED], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`media server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, child };
}

interface Measured {
  reqPerSec: number;
  cpuUsPerReq: number;
}

function measureOnce(url: string, pid: number, script: string): Measured {
  runWrk({ url, script, seconds: 2, connections: 20, core: 1 }); // warm-up: caches, JIT, page cache
  const before = cpuMicros(pid);
  const r = runWrk({ url, script, seconds: SECONDS, connections: 20, core: 1 });
  const cpu = cpuMicros(pid) - before;
  if (r.errors > 0) throw new Error(`${r.errors} failed requests against ${url}:\n${r.output}`);
  return { reqPerSec: r.reqPerSec, cpuUsPerReq: cpu / r.requests };
}

interface Server {
  url: string;
  pid: number;
}

/** Alternates the two servers RUNS times; keeps the best req/s and the lowest CPU per request of each. */
function compare(a: Server, aScript: string, b: Server, bScript: string): [Measured, Measured] {
  const best = (xs: Measured[]): Measured => ({ reqPerSec: Math.max(...xs.map((x) => x.reqPerSec)), cpuUsPerReq: Math.min(...xs.map((x) => x.cpuUsPerReq)) });
  const as: Measured[] = [];
  const bs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(measureOnce(a.url, a.pid, aScript));
    bs.push(measureOnce(b.url, b.pid, bScript));
  }
  return [best(as), best(bs)];
}

async function main(): Promise<void> {
  process.stdout.write(`delivery bench: ${SECONDS} s per run, best of ${RUNS}, servers on core 0, wrk -t1 -c20 on core 1; load average ${loadavg()[0]!.toFixed(1)}\n`);
  makeFiles();
  const nginxSigner = createUrlSigner({ mode: 'nginx', secret: SECRET });
  const hmacSigner = createUrlSigner({ mode: 'hmac', secret: SECRET });
  const scripts = {
    nginxRanges: join(dir, 'nginx-ranges.lua'), oursRanges: join(dir, 'ours-ranges.lua'),
    nginxSegments: join(dir, 'nginx-segments.lua'), oursSegments: join(dir, 'ours-segments.lua'),
  };
  writeWrkScript(scripts.nginxRanges, rangeRequests(nginxSigner, 5000));
  writeWrkScript(scripts.oursRanges, rangeRequests(hmacSigner, 5000));
  writeWrkScript(scripts.nginxSegments, segmentRequests(nginxSigner));
  writeWrkScript(scripts.oursSegments, segmentRequests(hmacSigner));

  const nginx = await startNginx({
    wrap: ['taskset', '-c', '0'],
    server: (port) => renderNginxConfig({ listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:9', mediaRoot: media, secret: SECRET }),
  });
  const ours = await startOurs();
  try {
    const ng = { url: nginx.url, pid: nginx.child.pid! };
    const [n64, o64] = compare(ng, scripts.nginxRanges, ours, scripts.oursRanges);
    const [nSeg, oSeg] = compare(ng, scripts.nginxSegments, ours, scripts.oursSegments);
    const f = (n: number, d = 0): string => n.toFixed(d);
    process.stdout.write(`
random 64 KiB ranges of a 64 MiB file (signed):
  nginx  ${f(n64.reqPerSec)} req/s   (${f(n64.cpuUsPerReq, 1)} CPU µs/req)
  sluice ${f(o64.reqPerSec)} req/s   (${f(o64.cpuUsPerReq, 1)} CPU µs/req)
  ratio  ${f(o64.reqPerSec / n64.reqPerSec, 2)}× nginx req/s (aim ≥ 0.8)

whole 4 MiB segments (signed):
  nginx  ${f(nSeg.reqPerSec)} req/s   ${f(nSeg.cpuUsPerReq)} CPU µs/req
  sluice ${f(oSeg.reqPerSec)} req/s   ${f(oSeg.cpuUsPerReq)} CPU µs/req
  ratio  ${f(nSeg.cpuUsPerReq / oSeg.cpuUsPerReq, 2)} nginx-efficiency (nginx µs / sluice µs; aim ≥ 0.5)
`);
  } finally {
    ours.child.kill('SIGTERM');
    await nginx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
