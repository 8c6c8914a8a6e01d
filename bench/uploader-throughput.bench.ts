/**
 * `pnpm bench uploader-throughput`: a 1 GiB upload through
 * `<chunked-uploader>` in Chromium (playwright-core, the element bundled with
 * esbuild) vs the same bytes from Node's tus-js-client, same chunk size, same
 * real `sluice start` process, alternating, in the same run. Prints MB/s
 * (median and best of the rounds) and the ratios (aim: ≥ 0.8×); bare tus-js-client in the
 * same page is measured too, to tell the browser's cost from the element's.
 * The file is a real one on disk, picked through the element's file input.
 * Options: --size 1GiB, --chunk 8MB (the element's default), --rounds 5.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tus from 'tus-js-client';
import { parseSize } from '../packages/server/src/config.js';
import { startSluice } from '../test/support/sluice-server.mjs';
import { launchChromium, serveStatic } from './support/browser.js';
import { bundleUploader } from './support/uploader-bundle.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1GiB' }, chunk: { type: 'string', default: '8MB' }, rounds: { type: 'string', default: '5' } } });
const size = parseSize(values.size!)!;
const chunk = parseSize(values.chunk!)!;
const rounds = Number(values.rounds);
const PATTERN = 1024 * 1024; // both sides upload the same 1 MiB of pseudo-random bytes, repeated

function pattern(): Uint8Array {
  const bytes = new Uint8Array(PATTERN);
  let x = 2463534242;
  for (let i = 0; i < bytes.length; i += 1) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; bytes[i] = x & 255; }
  return bytes;
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'upload', ttl: '1h' }) });
  return ((await res.json()) as { token: string }).token;
}

/** Seconds for tus-js-client in Node to upload `data`, and the video id. */
function nodeUpload(url: string, auth: string, data: Buffer): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const u = new tus.Upload(data, {
      endpoint: `${url}/api/uploads`, chunkSize: chunk, retryDelays: [], uploadSize: data.length,
      headers: { authorization: `Bearer ${auth}` }, metadata: { filename: 'bench.bin', filetype: 'application/octet-stream' },
      onError: reject, onSuccess: () => resolve([(performance.now() - t) / 1000, (u.url ?? '').split('/').pop() ?? '']),
    });
    u.start();
  });
}

const PAGE = `<!doctype html><script type="module" src="/uploader.js"></script><script type="module" src="/tus.js"></script><chunked-uploader></chunked-uploader>`;
/** tus-js-client alone in the page, to tell the browser's cost from the element's. */
const TUS_ONLY = `import { Upload } from 'tus-js-client'; (globalThis as unknown as { TusUpload: unknown }).TusUpload = Upload;`;

async function main(): Promise<void> {
  const bundle = await bundleUploader(undefined, { split: false });
  const tusOnly = await bundleUploader(TUS_ONLY, { split: false });
  const { origin, server: web } = await serveStatic({ '/': { html: PAGE }, '/uploader.js': { file: bundle.file }, '/tus.js': { file: tusOnly.file } });
  const sluice = await startSluice({ env: { SLUICE_MAX_UPLOAD: '100GB', SLUICE_CORS_ORIGINS: origin, LOG_LEVEL: 'warn' } });
  const browser = await launchChromium();
  // Upload URLs end in `<id>.<capability>`; the file is named by the id.
  const drop = (segment: string): void => rmSync(join(sluice.dataDir, 'uploads', segment.split('.')[0] ?? ''), { force: true });
  const cleanup: Array<() => void> = [];
  try {
    const auth = await token(sluice.url);
    const one = pattern();
    const data = Buffer.concat(Array.from({ length: Math.ceil(size / PATTERN) }, () => one)).subarray(0, size);
    const page = await browser.newPage();
    await page.goto(origin);
    await page.waitForFunction(() => customElements.get('chunked-uploader') !== undefined);
    // A real file on disk, picked through the element's <input type=file> like a user would (a
    // disk-backed File); Node reads the same bytes.
    const work = mkdtempSync(join(tmpdir(), 'sluice-bench-uploader-'));
    const source = join(work, 'bench.bin');
    writeFileSync(source, data);
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const browserRun = async (): Promise<[number, string]> => {
      const result = page.evaluate(({ url, auth: tok, chunkSize }) => {
        type El = HTMLElement & { endpoint: string; token: string; chunkSize: string };
        const el = document.querySelector('chunked-uploader') as El;
        Object.assign(el, { endpoint: `${url}/api/uploads`, token: tok, chunkSize });
        return new Promise<[number, string]>((resolve, reject) => {
          let t = 0;
          el.addEventListener('upload-start', () => { t = performance.now(); }, { once: true });
          el.addEventListener('upload-error', (e) => { const d = (e as CustomEvent<{ retriable: boolean; message: string }>).detail; if (!d.retriable) reject(new Error(d.message)); });
          el.addEventListener('upload-success', (e) => resolve([(performance.now() - t) / 1000, (e as CustomEvent<{ videoId: string }>).detail.videoId]), { once: true });
        });
      }, { url: sluice.url, auth, chunkSize: String(chunk) });
      await page.setInputFiles('chunked-uploader input[type=file]', source);
      return result;
    };

    // A string, not a function: tsx would add `__name()` calls to the object-literal callbacks.
    const tusInPage = (): Promise<[number, string]> => page.evaluate(`new Promise((resolve, reject) => {
      const t = performance.now();
      const u = new globalThis.TusUpload(document.querySelector('chunked-uploader').items[0].file, {
        endpoint: ${JSON.stringify(`${sluice.url}/api/uploads`)}, chunkSize: ${chunk}, retryDelays: [0, 1000, 3000], storeFingerprintForResuming: false,
        headers: { authorization: ${JSON.stringify(`Bearer ${auth}`)} }, metadata: { filename: 'bench.bin' },
        onError: reject, onSuccess: () => resolve([(performance.now() - t) / 1000, u.url.split('/').pop()]),
      });
      u.start();
    })`);

    const times = { node: [] as number[], browser: [] as number[], tusInPage: [] as number[] };
    for (let r = 0; r < rounds; r += 1) {
      const [ns, nid] = await nodeUpload(sluice.url, auth, data);
      times.node.push(ns);
      drop(nid);
      const [bs, bid] = await browserRun();
      times.browser.push(bs);
      drop(bid);
      // Diagnostic only: without the element's retries, Chromium now and then loses a PATCH of a
      // 1 GiB Blob to a network error; that run is reported, not fatal.
      const [ts, tid] = await tusInPage().catch((e: Error) => { process.stdout.write(`bare tus-js-client failed: ${e.message.slice(0, 120)}\n`); return [Infinity, ''] as [number, string]; });
      times.tusInPage.push(ts);
      if (tid) drop(tid);
      const r1 = (x: number): string => (size / x / 1e6).toFixed(0);
      process.stdout.write(`round ${r + 1}: node ${r1(ns)} MB/s, <chunked-uploader> ${r1(bs)} MB/s, bare tus-js-client in chromium ${r1(ts)} MB/s\n`);
    }
    // This machine is shared and noisy: the median of the rounds is the number to read; best-of is shown too.
    const best = (xs: number[]): number => Math.min(...xs);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
    const rate = (s: number): string => `${(size / s / 1e6).toFixed(0)} MB/s`;
    const line = (label: string, xs: number[]): string => `${label.padEnd(34)} median ${rate(median(xs)).padStart(9)}  best ${rate(best(xs)).padStart(9)}\n`;
    process.stdout.write(`upload ${(size / 1024 ** 3).toFixed(2)} GiB, chunk ${(chunk / 1024 ** 2).toFixed(0)} MiB, ${rounds} rounds\n`);
    process.stdout.write(line('tus-js-client in Node (reference)', times.node));
    process.stdout.write(line('<chunked-uploader> in Chromium', times.browser));
    process.stdout.write(line('tus-js-client alone in Chromium', times.tusInPage));
    process.stdout.write(`ratio chromium/node: median ${(median(times.node) / median(times.browser)).toFixed(2)}×, best ${(best(times.node) / best(times.browser)).toFixed(2)}× (aim ≥ 0.8×)\n`);
    process.stdout.write(`ratio element/bare tus-js-client, both in chromium: median ${(median(times.tusInPage) / median(times.browser)).toFixed(2)}×\n`);
  } catch (e) {
    process.stderr.write(`server ${sluice.child.exitCode === null ? 'alive' : `exited ${sluice.child.exitCode}`}; last output:\n${sluice.output().slice(-4000)}\n`);
    throw e;
  } finally {
    await browser.close();
    await sluice.stop();
    web.close();
    rmSync(sluice.dataDir, { recursive: true, force: true });
    for (const fn of cleanup) fn();
  }
}

await main();
