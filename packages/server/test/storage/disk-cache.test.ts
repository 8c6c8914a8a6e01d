import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { DiskCache, type DiskCacheOptions } from '../../src/storage/disk-cache.js';
import { LocalStorage } from '../../src/storage/local.js';
import type { ByteRange } from '../../src/storage/storage.js';

/**
 * A real LocalStorage standing in for a bucket, counting get() calls and the
 * bytes it hands out. `breakNext` is the one fake: a stream that dies
 * part-way (a dropped connection) cannot be caused on a local file for real.
 */
class CountingStorage extends LocalStorage {
  gets = 0;
  bytes = 0;
  breakNext = false;

  override async get(key: string, range?: ByteRange): Promise<Readable> {
    this.gets += 1;
    const source = await super.get(key, range);
    const breaking = this.breakNext;
    this.breakNext = false;
    let seen = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        // The first chunk gets through, the next one fails.
        if (breaking && seen > 0) return done(new Error('connection reset mid-way (injected)'));
        seen += chunk.length;
        this.bytes += chunk.length;
        done(null, chunk);
      },
    });
    source.on('error', (e) => counter.destroy(e));
    return source.pipe(counter);
  }
}

const SIZE = 64 * 1024;
const code = (e: unknown): string | undefined => (e as { code?: string }).code;

describe('DiskCache', () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-disk-cache-'));
  let n = 0;
  let storage: CountingStorage;
  let dir: string;
  let caches: DiskCache[] = [];
  let clock = 0;
  after(() => rmSync(work, { recursive: true, force: true }));
  beforeEach(() => {
    n += 1;
    storage = new CountingStorage(join(work, `bucket-${n}`));
    dir = join(work, `cache-${n}`);
    clock = Date.now();
  });
  afterEach(async () => {
    for (const c of caches) await c.close();
    caches = [];
  });

  const cacheWith = async (options: Partial<DiskCacheOptions> = {}): Promise<DiskCache> => {
    const cache = new DiskCache({ dir, maxBytes: 10 * SIZE, maxAgeSeconds: 3600, ...options });
    caches.push(cache);
    await cache.open();
    return cache;
  };
  const put = async (key: string, size = SIZE): Promise<Buffer> => {
    const body = randomBytes(size);
    await storage.put(key, body);
    return body;
  };
  /** Acquire and release at once; returns the path the entry had. */
  const touch = async (cache: DiskCache, key: string): Promise<string> => {
    const lease = await cache.acquire(storage, key);
    lease.release();
    return lease.path;
  };
  const files = (): string[] => readdirSync(dir).sort();

  test('a miss downloads once, a hit serves the same file without touching storage', async () => {
    const cache = await cacheWith();
    const body = await put('uploads/v1');
    const first = await cache.acquire(storage, 'uploads/v1');
    assert.deepEqual(readFileSync(first.path), body);
    assert.equal(first.size, SIZE);
    first.release();
    const second = await cache.acquire(storage, 'uploads/v1');
    assert.equal(second.path, first.path);
    second.release();
    assert.equal(storage.gets, 1);
    assert.equal(storage.bytes, SIZE);
  });

  test('any key maps to a safe file name that keeps the extension', async () => {
    const cache = await cacheWith();
    const key = 'media/x y/ü#?%2e.MP4';
    const body = await put(key);
    const lease = await cache.acquire(storage, key);
    assert.match(basename(lease.path), /^[0-9a-f]{32}-[0-9a-f]{8}\.MP4$/);
    assert.deepEqual(readFileSync(lease.path), body);
    lease.release();
  });

  test('concurrent acquires of one key share ONE download', async () => {
    const cache = await cacheWith();
    await put('uploads/v1');
    const leases = await Promise.all([1, 2, 3].map(() => cache.acquire(storage, 'uploads/v1')));
    assert.equal(storage.gets, 1);
    assert.equal(new Set(leases.map((l) => l.path)).size, 1);
    for (const l of leases) l.release();
    assert.deepEqual([cache.stats().hits, cache.stats().misses], [2, 1]);
  });

  test('evicts least recently used first; a hit refreshes recency', async () => {
    const cache = await cacheWith({ maxBytes: 2.5 * SIZE });
    for (const k of ['a', 'b', 'c']) await put(k);
    const a = await touch(cache, 'a');
    const b = await touch(cache, 'b');
    await touch(cache, 'a'); // a is now more recent than b
    const c = await touch(cache, 'c'); // 3 entries > 2.5: b goes
    assert.deepEqual([cache.stats().evictions, cache.stats().entries, cache.stats().bytes], [1, 2, 2 * SIZE]);
    await cache.close();
    assert.deepEqual(files(), [basename(a), basename(c)].sort());
    assert.equal(existsSync(b), false);
    const again = await cacheWith({ maxBytes: 2.5 * SIZE });
    const gets = storage.gets;
    await touch(again, 'a');
    assert.equal(storage.gets, gets, 'a was kept');
    await touch(again, 'b');
    assert.equal(storage.gets, gets + 1, 'b was evicted');
  });

  test('an entry in use is never evicted; it goes on release once over the cap', async () => {
    const cache = await cacheWith({ maxBytes: 1.5 * SIZE });
    const bodyA = await put('a');
    await put('b');
    const a = await cache.acquire(storage, 'a');
    const b = await cache.acquire(storage, 'b');
    assert.equal(cache.stats().evictions, 0, 'both leased: over the cap, nothing evicted');
    assert.deepEqual(readFileSync(a.path), bodyA);
    a.release();
    assert.equal(cache.stats().evictions, 1);
    await cache.close();
    assert.equal(existsSync(a.path), false);
    assert.equal(existsSync(b.path), true);
    b.release();
  });

  test('release() is idempotent: a second call does not free another lease\'s hold', async () => {
    const cache = await cacheWith({ maxBytes: 1.5 * SIZE });
    const bodyA = await put('a');
    await put('b');
    const first = await cache.acquire(storage, 'a');
    const second = await cache.acquire(storage, 'a');
    first.release();
    first.release();
    await touch(cache, 'b'); // over the cap: a is least recent but still held by `second`, so b goes
    assert.equal(cache.stats().evictions, 1);
    await cache.close();
    assert.deepEqual(readFileSync(second.path), bodyA);
    second.release();
  });

  test('an entry bigger than maxBytes is served, then evicted on release', async () => {
    const cache = await cacheWith({ maxBytes: SIZE / 2 });
    const body = await put('big');
    const lease = await cache.acquire(storage, 'big');
    assert.deepEqual(readFileSync(lease.path), body);
    lease.release();
    assert.deepEqual([cache.stats().evictions, cache.stats().bytes, cache.stats().entries], [1, 0, 0]);
    await cache.close();
    assert.deepEqual(files(), []);
  });

  test('past maxAgeSeconds an entry is a miss and is downloaded again; a leased old copy stays until release', async () => {
    const cache = await cacheWith({ maxAgeSeconds: 60, now: () => clock });
    await put('a');
    const old = await cache.acquire(storage, 'a');
    clock += 60_000;
    const fresh = await cache.acquire(storage, 'a');
    assert.equal(storage.gets, 2);
    assert.notEqual(fresh.path, old.path);
    assert.equal(existsSync(old.path), true, 'old copy is still leased');
    old.release();
    fresh.release();
    const s = cache.stats();
    assert.deepEqual([s.hits, s.misses, s.expirations, s.entries, s.bytes], [0, 2, 1, 1, SIZE]);
    await cache.close();
    assert.deepEqual(files(), [basename(fresh.path)]);
  });

  test('the sweep removes expired entries that are not in use', async () => {
    const cache = await cacheWith({ maxAgeSeconds: 60, now: () => clock });
    await put('a');
    await put('b');
    await touch(cache, 'a');
    const b = await cache.acquire(storage, 'b');
    clock += 59_000;
    assert.equal(cache.sweep(), 0);
    clock += 1_000;
    assert.equal(cache.sweep(), 1, 'a expired; b is leased');
    b.release();
    assert.equal(cache.sweep(), 1);
    assert.deepEqual([cache.stats().expirations, cache.stats().entries], [2, 0]);
    await cache.close();
    assert.deepEqual(files(), []);
  });

  test('a restart keeps entries and their recency and removes a crash\'s temp files', async () => {
    const first = await cacheWith();
    await put('a');
    await put('b');
    const a = await touch(first, 'a');
    await touch(first, 'b');
    await touch(first, 'a'); // a most recent
    await first.close();
    writeFileSync(join(dir, `.${basename(a)}.tmp`), 'partial download');
    const second = await cacheWith({ maxBytes: 1.5 * SIZE });
    assert.deepEqual(second.stats(), {
      hits: 0, misses: 0, evictions: 1, expirations: 0, bytes: SIZE, entries: 1, downloadedBytes: 0, hitRatio: 0, maxBytes: 1.5 * SIZE,
    });
    assert.deepEqual(files(), [basename(a)], 'temp file and least recent entry b are gone');
    const gets = storage.gets;
    assert.equal(await touch(second, 'a'), a);
    assert.equal(storage.gets, gets);
  });

  test('invalidate drops an entry; a re-upload is fetched fresh', async () => {
    const cache = await cacheWith();
    await put('uploads/v1');
    const leased = await cache.acquire(storage, 'uploads/v1');
    await cache.invalidate('uploads/v1');
    assert.equal(existsSync(leased.path), true, 'still leased');
    const body = await put('uploads/v1');
    const fresh = await cache.acquire(storage, 'uploads/v1');
    assert.deepEqual(readFileSync(fresh.path), body);
    assert.equal(storage.gets, 2);
    leased.release();
    fresh.release();
    await cache.invalidate('uploads/v1');
    assert.deepEqual([cache.stats().entries, cache.stats().bytes], [0, 0]);
    assert.deepEqual(files(), []);
  });

  test('invalidate during a download: its waiters get the bytes, the next acquire downloads again', async () => {
    const cache = await cacheWith();
    await put('a');
    const pending = cache.acquire(storage, 'a');
    await cache.invalidate('a');
    const lease = await pending;
    assert.equal(cache.stats().entries, 1, 'kept only while leased');
    lease.release();
    assert.equal(cache.stats().entries, 0);
    await touch(cache, 'a');
    assert.equal(storage.gets, 2);
  });

  test('stats count hits, misses, downloaded bytes and the hit ratio', async () => {
    const cache = await cacheWith({ maxBytes: 4 * SIZE });
    await put('a');
    await put('b', SIZE / 2);
    await touch(cache, 'a');
    await touch(cache, 'a');
    await touch(cache, 'a');
    await touch(cache, 'b');
    assert.deepEqual(cache.stats(), {
      hits: 2, misses: 2, evictions: 0, expirations: 0, bytes: 1.5 * SIZE, entries: 2,
      downloadedBytes: 1.5 * SIZE, hitRatio: 0.5, maxBytes: 4 * SIZE,
    });
  });

  test('storage.get rejecting leaves nothing behind; the next acquire retries', async () => {
    const cache = await cacheWith();
    await assert.rejects(cache.acquire(storage, 'uploads/missing'), (e) => code(e) === 'SLUICE_ERR_STORAGE_NOT_FOUND');
    assert.deepEqual(files(), []);
    const body = await put('uploads/missing');
    const lease = await cache.acquire(storage, 'uploads/missing');
    assert.deepEqual(readFileSync(lease.path), body);
    lease.release();
    assert.deepEqual([storage.gets, cache.stats().misses, cache.stats().entries], [2, 2, 1]);
  });

  test('a stream that fails mid-way leaves no file, shares the error, and the next acquire retries', async () => {
    const cache = await cacheWith();
    const body = await put('a', 4 * SIZE);
    storage.breakNext = true;
    const attempts = await Promise.allSettled([cache.acquire(storage, 'a'), cache.acquire(storage, 'a')]);
    assert.deepEqual(attempts.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(storage.gets, 1);
    assert.deepEqual(files(), []);
    assert.deepEqual([cache.stats().bytes, cache.stats().entries], [0, 0]);
    assert.ok(cache.stats().downloadedBytes > 0, 'the partial bytes were downloaded');
    const lease = await cache.acquire(storage, 'a');
    assert.deepEqual(readFileSync(lease.path), body);
    lease.release();
    assert.equal(storage.gets, 2);
  });
});
