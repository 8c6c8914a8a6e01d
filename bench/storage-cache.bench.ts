/**
 * Transcoding the same original twice from a bucket (`pnpm bench storage-cache`).
 *
 * The 30 s 1080p fixture is put into an S3 bucket (s3rver on loopback, the
 * same emulator the S3 tests use) as `uploads/<id>`. Then, twice: the
 * original is acquired through the DiskCache (the original cache) and
 * processVideo runs the whole pipeline from the cached path into a temp
 * outDir. Per run it prints the bytes and GETs that left the bucket (counted
 * by a wrapper around the S3 Storage, independently of the cache's own
 * counters), the cache's hits/misses and the hit ratio so far.
 * Reference: the original's size, which a server without the cache downloads
 * on every run. Aim: second run downloads 0 bytes, hit ratio 0.5 after two
 * runs (one miss, one hit). Not a pass/fail test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DiskCache } from '../packages/server/src/storage/disk-cache.js';
import { createS3Storage } from '../packages/server/src/storage/s3.js';
import type { ByteRange, Storage } from '../packages/server/src/storage/storage.js';
import { processVideo } from '../packages/server/src/transcode/pipeline.js';
import { startS3rver } from '../packages/server/test/storage/support/s3rver.js';

const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const ffprobePath = process.env.FFPROBE_PATH ?? 'ffprobe';
const root = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;

/** Counts GETs and the bytes they stream out of the bucket; every other call passes through. */
function counting(inner: Storage): Storage & { gets: number; bytes: number } {
  const counted = Object.assign(Object.create(inner) as Storage, { gets: 0, bytes: 0 });
  counted.get = async (key: string, range?: ByteRange): Promise<Readable> => {
    counted.gets += 1;
    const body = await inner.get(key, range);
    const meter = new Transform({ transform(chunk: Buffer, _enc, done) { counted.bytes += chunk.length; done(null, chunk); } });
    body.on('error', (e) => meter.destroy(e));
    return body.pipe(meter);
  };
  return counted;
}

const fixtures = execFileSync(process.execPath, [join(root, 'scripts', 'fixtures.mjs')], { encoding: 'utf8' }).trim();
const source = join(fixtures, 'clip-1080p-30s.mp4');
const originalBytes = statSync(source).size;
const work = mkdtempSync(join(tmpdir(), 'sluice-bench-storage-cache-'));
const s3 = await startS3rver();
try {
  const bucket = `sluice-bench-${randomBytes(4).toString('hex')}`;
  // s3rver serves unsigned requests anonymously (see test/storage/s3.test.ts), so a bare PUT creates the bucket.
  const made = await fetch(`${s3.endpoint}/${bucket}`, { method: 'PUT' });
  if (!made.ok) throw new Error(`s3rver refused to create bucket ${bucket}: HTTP ${made.status}`);
  const s3Storage = await createS3Storage({ bucket, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
  const storage = counting(s3Storage);
  const key = `uploads/${randomBytes(8).toString('hex')}`;
  await s3Storage.put(key, createReadStream(source));
  const cache = new DiskCache({ dir: join(work, 'cache'), maxBytes: 10 * 1024 * MB, maxAgeSeconds: 24 * 3600 });
  await cache.open();
  console.log(`source: ${source} (${(originalBytes / MB).toFixed(2)} MB) in bucket ${bucket} on s3rver ${s3.endpoint} as ${key}`);
  console.log(`reference: a server without the cache downloads the whole original on every run: ${originalBytes} bytes/run`);

  const downloads: number[] = [];
  for (const run of [1, 2]) {
    const [bytes0, gets0, before] = [storage.bytes, storage.gets, cache.stats()];
    const t0 = performance.now();
    const lease = await cache.acquire(storage, key);
    const acquireMs = performance.now() - t0;
    try {
      await processVideo({ input: lease.path, outDir: join(work, `out-${run}`), segmentSeconds: 4, encoder: 'libx264', ffmpegPath, ffprobePath, stallSeconds: 120 });
    } finally {
      lease.release();
    }
    const total = (performance.now() - t0) / 1000;
    const s = cache.stats();
    downloads.push(storage.bytes - bytes0);
    console.log(`run ${run}: downloaded ${storage.bytes - bytes0} bytes in ${storage.gets - gets0} GET(s) (acquire ${acquireMs.toFixed(0)} ms), `
      + `cache hits +${s.hits - before.hits} misses +${s.misses - before.misses}, hit ratio so far ${s.hitRatio.toFixed(2)}, `
      + `acquire + transcode ${total.toFixed(1)} s`);
  }
  const s = cache.stats();
  console.log(`cache after both runs: ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'}, ${s.bytes} bytes, downloadedBytes ${s.downloadedBytes}, evictions ${s.evictions}, expirations ${s.expirations}`);
  console.log(`ratio second-run download / cacheless download: ${((downloads[1] ?? 0) / originalBytes).toFixed(3)} (aim 0)`);
  console.log(`ratio both runs' download / cacheless download of both runs: ${(((downloads[0] ?? 0) + (downloads[1] ?? 0)) / (2 * originalBytes)).toFixed(3)} (aim 0.500)`);
  console.log(`hit ratio: ${s.hitRatio.toFixed(2)} (aim 0.50 after one miss and one hit)`);
  await cache.close();
  await storage.close();
} finally {
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
}
