/**
 * `pnpm bench upload`: a 1 GiB tus upload over loopback (tus-js-client from
 * Node, into a real `sluice start` process) vs `dd` writing the same bytes to
 * the same disk, in the same run. Also: the server's RSS growth, and how fast
 * a resume (HEAD) is answered right after a client connection was killed
 * mid-PATCH (tus's default lock drain waits 3 s).
 * Options: --size 1GiB (any size like 256MB).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tus from 'tus-js-client';
import { parseSize } from '../packages/server/src/config.js';
import { startSluice } from '../test/support/sluice-server.mjs';
import { mb, memoryOf } from './support/bench-server.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1GiB' } } });
const size = parseSize(values.size!)!;
const work = mkdtempSync(join(tmpdir(), 'sluice-bench-upload-'));
const source = join(work, 'source.bin');

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'upload' }) });
  return ((await res.json()) as { token: string }).token;
}

function upload(url: string, auth: string, chunkSize: number, onProgress?: (sent: number, u: tus.Upload) => void): { done: Promise<string>; upload: tus.Upload } {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<string>((res, rej) => { resolve = res; reject = rej; });
  const u: tus.Upload = new tus.Upload(createReadStream(source), {
    endpoint: `${url}/api/uploads`, uploadSize: size, chunkSize, retryDelays: [],
    headers: { authorization: `Bearer ${auth}` }, metadata: { filename: 'bench.bin' },
    onProgress: (sent) => onProgress?.(sent, u),
    onError: reject, onSuccess: () => resolve(u.url ?? ''),
  });
  u.start();
  return { done, upload: u };
}

async function main(): Promise<void> {
  process.stdout.write(`upload bench: ${mb(size)} MB, data dir ${work}\n`);
  sh('dd', ['if=/dev/urandom', `of=${source}`, 'bs=8M', `count=${size}`, `iflag=count_bytes`, 'status=none']);
  // Reference: dd copying the same bytes onto the same disk.
  const ddTarget = join(work, 'dd-copy.bin');
  let t = performance.now();
  sh('dd', [`if=${source}`, `of=${ddTarget}`, 'bs=8M', 'status=none']);
  const ddSeconds = (performance.now() - t) / 1000;
  rmSync(ddTarget);

  const server = await startSluice({ env: { SLUICE_MAX_UPLOAD: '100GB', LOG_LEVEL: 'warn' } });
  try {
    const pid = server.child.pid!;
    const auth = await token(server.url);
    const before = memoryOf(pid);
    const rows: Array<[string, number]> = [];
    for (const [label, chunk] of [['unlimited chunk', Infinity], ['8 MiB chunks', 8 * 1024 * 1024]] as const) {
      t = performance.now();
      const url = await upload(server.url, auth, chunk).done;
      const seconds = (performance.now() - t) / 1000;
      rows.push([label, seconds]);
      const id = url.split('/').pop()!.split('.')[0]!; // the URL ends in <id>.<capability>
      if (statSync(join(server.dataDir, 'uploads', id)).size !== size) throw new Error('uploaded size differs');
      rmSync(join(server.dataDir, 'uploads', id));
    }
    const after = memoryOf(pid);

    // Resume after a killed connection: abort mid-PATCH, then time the HEAD.
    let aborted = false;
    let resumeUrl = '';
    const half = upload(server.url, auth, Infinity, (sent, u) => {
      if (!aborted && sent > size / 4) { aborted = true; resumeUrl = u.url ?? ''; void u.abort(); }
    });
    half.done.catch(() => undefined);
    while (!resumeUrl) await new Promise((r) => setTimeout(r, 20));
    t = performance.now();
    const head = await fetch(resumeUrl, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${auth}` } });
    const headMs = performance.now() - t;
    const offset = Number(head.headers.get('upload-offset'));

    const rate = (s: number): string => `${(size / s / 1e6).toFixed(0)} MB/s`;
    process.stdout.write(`dd (reference)            ${ddSeconds.toFixed(2)} s  ${rate(ddSeconds)}\n`);
    for (const [label, s] of rows) process.stdout.write(`tus ${label.padEnd(21)} ${s.toFixed(2)} s  ${rate(s)}  ratio ${(ddSeconds / s).toFixed(2)}× dd\n`);
    process.stdout.write(`server RSS before ${mb(before.rss)} MB, peak during uploads ${mb(after.peak)} MB, growth ${mb(after.peak - before.rss)} MB\n`);
    process.stdout.write(`resume HEAD after killed PATCH: ${headMs.toFixed(0)} ms (status ${head.status}, offset ${offset} of ${size})\n`);
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
