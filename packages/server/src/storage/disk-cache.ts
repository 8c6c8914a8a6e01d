/**
 * The original cache: an original kept in a bucket is copied here before ffmpeg reads it (ffmpeg seeks: an MP4's
 * moov atom may sit at the end). LRU under a byte cap, expiry by age since download, and an entry in use is never
 * removed. Each download gets a fresh file name (key hash + generation): a re-download never replaces a file that
 * a reader still has open.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from './storage.js';

export interface DiskCacheOptions {
  /** Folder that holds only the cache's files (SLUICE_CACHE_DIR). */
  dir: string;
  /** Bytes kept on disk (SLUICE_CACHE_MAX); beyond it the least recently used entries not in use are removed. */
  maxBytes: number;
  /** Age since download after which an entry counts as a miss (SLUICE_CACHE_TTL); Infinity never expires. */
  maxAgeSeconds: number;
  /** Clock in ms since the epoch; tests pass their own. */
  now?: () => number;
}

/**
 * misses = downloads started (an acquire that joins a running download is a hit); bytes = complete cached files
 * on disk, including leased files already dropped; downloadedBytes includes downloads that failed part-way;
 * hitRatio = hits / (hits + misses), 0 before any acquire.
 */
export interface DiskCacheStats {
  hits: number; misses: number; evictions: number; expirations: number;
  bytes: number; entries: number; downloadedBytes: number; hitRatio: number; maxBytes: number;
}

/** `path` holds the object's bytes until release() (idempotent); after the last release the entry may go. */
export interface CacheLease { path: string; size: number; release(): void }

interface Entry { id: string; file: string; size: number; downloadedAt: number; refs: number; live: boolean }
interface Download { promise: Promise<Entry>; waiters: number; stale: boolean }

const NAME = /^([0-9a-f]{32})-[0-9a-f]{8}(\.[A-Za-z0-9]{1,8})?$/;
const EXT = /\.[A-Za-z0-9]{1,8}$/;

const idOf = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 32);

export class DiskCache {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** Live entries by id, least recently used first (Map keeps insertion order). */
  readonly #entries = new Map<string, Entry>();
  /** Entries dropped from the index while still leased; removed on their last release. */
  readonly #retired = new Set<Entry>();
  readonly #downloads = new Map<string, Download>();
  readonly #pending = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #bytes = 0;
  readonly #counts = { hits: 0, misses: 0, evictions: 0, expirations: 0, downloadedBytes: 0 };

  constructor(options: DiskCacheOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError(`DiskCache maxBytes must be >= 0, got ${options.maxBytes}`);
    if (!(options.maxAgeSeconds > 0)) throw new RangeError(`DiskCache maxAgeSeconds must be > 0, got ${options.maxAgeSeconds}`);
    [this.#dir, this.#maxBytes, this.#maxAgeMs] = [options.dir, options.maxBytes, options.maxAgeSeconds * 1000];
    this.#now = options.now ?? Date.now;
  }

  /** Scans `dir` (entries survive a restart; temp files from a crash are removed), then evicts to fit. */
  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const found: { entry: Entry; usedAt: number }[] = [];
    for (const name of await readdir(this.#dir)) {
      const file = join(this.#dir, name);
      // Nothing of ours is in flight before open(): a temp file is a crash's leftover.
      if (name.startsWith('.') && name.endsWith('.tmp')) await rm(file, { force: true });
      const id = NAME.exec(name)?.[1];
      const info = id ? await stat(file).catch(() => undefined) : undefined;
      if (!id || !info?.isFile()) continue;
      found.push({ entry: { id, file, size: info.size, downloadedAt: info.mtimeMs, refs: 0, live: true }, usedAt: info.atimeMs });
    }
    // A hit sets the file's atime (see acquire), so recency survives a restart too.
    for (const { entry } of found.sort((x, y) => x.usedAt - y.usedAt)) {
      const other = this.#entries.get(entry.id);
      this.#bytes += entry.size;
      // Two generations of one key (a crash between download and removal): keep the newer.
      if (other && other.downloadedAt > entry.downloadedAt) this.#remove(entry);
      else {
        if (other) this.#drop(other);
        this.#entries.set(entry.id, entry);
      }
    }
    this.sweep();
    this.#evict();
    if (Number.isFinite(this.#maxAgeMs) && !this.#timer && !this.#closed) {
      this.#timer = setInterval(() => this.sweep(), Math.max(1000, Math.min(this.#maxAgeMs / 2, 600_000)));
      this.#timer.unref();
    }
    await this.#settle();
  }

  /**
   * Local path of `key`'s bytes, downloading them from `storage` on a miss (storage.get → temp file → rename: a
   * crash never leaves a partial file under the real name). Concurrent calls for the same key share ONE download.
   * A hit refreshes recency. Entries older than maxAgeSeconds (since download) count as misses and are re-fetched.
   * The returned lease must be released: an entry in use (e.g. ffmpeg reading the original) is never evicted.
   */
  async acquire(storage: Pick<Storage, 'get'>, key: string): Promise<CacheLease> {
    if (this.#closed) throw new Error('DiskCache is closed');
    const id = idOf(key);
    const entry = this.#entries.get(id);
    if (entry && this.#expired(entry)) this.#drop(entry, 'expirations');
    else if (entry) {
      this.#counts.hits += 1;
      this.#entries.delete(id); // re-inserted last: most recently used
      this.#entries.set(id, entry);
      entry.refs += 1;
      this.#track(utimes(entry.file, new Date(this.#now()), new Date(entry.downloadedAt)));
      return this.#lease(entry);
    }
    let download = this.#downloads.get(id);
    this.#counts[download ? 'hits' : 'misses'] += 1;
    if (!download) {
      // Started on the next microtask, once the map holds it: even a get() that throws synchronously clears it.
      const state = { waiters: 0, stale: false };
      download = Object.assign(state, { promise: Promise.resolve(state).then((d) => this.#fetch(storage, key, id, d)) });
      this.#downloads.set(id, download);
    }
    download.waiters += 1;
    return this.#lease(await download.promise);
  }

  /** Drops one entry (e.g. the video was deleted or re-uploaded); a leased file goes on its last release. */
  async invalidate(key: string): Promise<void> {
    const id = idOf(key);
    // A running download's waiters still get the bytes they asked for, but the result is not kept.
    const download = this.#downloads.get(id);
    if (download) download.stale = this.#downloads.delete(id);
    const entry = this.#entries.get(id);
    if (entry) this.#drop(entry);
    await this.#settle();
  }

  /** Removes expired entries not in use; returns how many. Runs on a timer; public for tests. */
  sweep(): number {
    const expired = [...this.#entries.values()].filter((e) => e.refs === 0 && this.#expired(e));
    for (const e of expired) this.#drop(e, 'expirations');
    return expired.length;
  }

  stats(): DiskCacheStats {
    const { hits, misses } = this.#counts;
    return {
      ...this.#counts, bytes: this.#bytes, entries: this.#entries.size + this.#retired.size,
      hitRatio: hits + misses > 0 ? hits / (hits + misses) : 0, maxBytes: this.#maxBytes,
    };
  }

  /** Stops the sweep and waits for downloads and file removals; files stay for the next open(). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#downloads.values()].map((d) => d.promise));
    await this.#settle();
  }

  async #fetch(storage: Pick<Storage, 'get'>, key: string, id: string, download: Omit<Download, 'promise'>): Promise<Entry> {
    const ext = EXT.exec(key.slice(key.lastIndexOf('/') + 1))?.[0] ?? '';
    const file = join(this.#dir, `${id}-${randomBytes(4).toString('hex')}${ext}`);
    const tmp = join(this.#dir, `.${basename(file)}.tmp`);
    const counts = this.#counts;
    const current = (): boolean => this.#downloads.get(id) === download;
    let size = 0;
    try {
      const source = await storage.get(key);
      const count = async function* (chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
        for await (const c of chunks) { size += c.length; counts.downloadedBytes += c.length; yield c; }
      };
      await pipeline(source, count, createWriteStream(tmp));
      await rename(tmp, file);
    } catch (err) {
      if (current()) this.#downloads.delete(id);
      await rm(tmp, { force: true });
      throw err;
    }
    // Synchronous from here on: every waiter holds a reference before eviction can look at the entry.
    if (current()) this.#downloads.delete(id);
    const entry: Entry = { id, file, size, downloadedAt: this.#now(), refs: download.waiters, live: !download.stale };
    this.#bytes += size;
    if (entry.live) this.#entries.set(id, entry);
    else this.#retired.add(entry);
    this.#evict();
    return entry;
  }

  #lease(entry: Entry): CacheLease {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (!entry.live && entry.refs === 0) this.#remove(entry);
      else this.#evict();
    };
    return { path: entry.file, size: entry.size, release };
  }

  #expired(e: { downloadedAt: number }): boolean {
    return this.#now() - e.downloadedAt >= this.#maxAgeMs;
  }

  /** Least recently used first; an entry in use is skipped (an oversized one goes on its release). */
  #evict(): void {
    for (const e of this.#entries.values()) {
      if (this.#bytes <= this.#maxBytes) return;
      if (e.refs > 0) continue;
      this.#drop(e, 'evictions');
    }
  }

  #drop(entry: Entry, reason?: 'evictions' | 'expirations'): void {
    if (reason) this.#counts[reason] += 1;
    if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
    entry.live = false;
    if (entry.refs === 0) this.#remove(entry);
    else this.#retired.add(entry);
  }

  #remove(entry: Entry): void {
    this.#retired.delete(entry);
    this.#bytes -= entry.size;
    this.#track(rm(entry.file, { force: true }));
  }

  /** File work that close() and invalidate() wait for; its failure (file already gone) does not matter. */
  #track(work: Promise<unknown>): void {
    const p: Promise<void> = work.then(() => undefined, () => undefined).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async #settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
