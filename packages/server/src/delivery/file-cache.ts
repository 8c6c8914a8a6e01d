/**
 * Open file descriptors and their stat, shared by concurrent requests.
 * Without it every request costs three thread-pool round trips (open, fstat,
 * close). Rules, from FINDINGS.md "Range delivery":
 * - reference counted: a descriptor is closed only when no read uses it
 *   (descriptor numbers are reused at once);
 * - revalidated by stat(path) at most every `revalidateMs`, so a replaced or
 *   deleted file stops being served; a file modified within the last
 *   `settleMs` (ffmpeg may still be writing it) is revalidated on every
 *   request, so its size is never stale;
 * - nothing outside the media root is opened: the real path (symlinks
 *   resolved) must lie inside the real root, and is opened with O_NOFOLLOW.
 */
import fs from 'node:fs';
import { sep } from 'node:path';
import { contentTypeFor } from '../storage/content-types.js';
import { formatHttpDate } from './http-date.js';

export interface CachedFile {
  readonly fd: number;
  readonly size: number;
  /** Strong ETag in nginx's format: "<mtime hex>-<size hex>". */
  readonly etag: string;
  /** mtime in whole seconds (Last-Modified). */
  readonly mtime: number;
  readonly lastModified: string;
  readonly contentType: string;
  /** Modified within the settle window: may still be growing. */
  readonly young: boolean;
  /** The whole file, when it is settled and hot enough to be held in RAM (see FileCacheOptions.memoryBytes). */
  readonly bytes?: Buffer | undefined;
}

interface Entry extends CachedFile {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
  young: boolean;
  refs: number;
  checkedAt: number;
  cached: boolean;
  bytes?: Buffer | undefined;
  loading?: boolean;
}

export interface FileCacheOptions {
  root: string;
  maxOpen?: number;
  revalidateMs?: number;
  settleMs?: number;
  idleMs?: number;
  /**
   * RAM for whole settled files (default 256 MiB; 0 turns it off). Serving
   * from memory skips a thread-pool read and a copy per request: FINDINGS.md
   * measured 0.84× nginx on 64 KiB ranges in RAM vs 0.57× with pooled reads.
   */
  memoryBytes?: number;
  /** Largest file held in RAM (default 64 MiB). */
  memoryMaxFile?: number;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG', 'EACCES', 'EPERM']);
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;

function isMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && MISSING.has(String(e.code));
}

export class FileCache {
  readonly #root: string;
  readonly #maxOpen: number;
  readonly #revalidateMs: number;
  readonly #settleMs: number;
  readonly #idleMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Entry | null>>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #memoryBytes: number;
  readonly #memoryMaxFile: number;
  #memoryUsed = 0;
  #realRoot: string | undefined;
  readonly #counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(options: FileCacheOptions) {
    this.#root = options.root;
    this.#maxOpen = options.maxOpen ?? 512;
    this.#revalidateMs = options.revalidateMs ?? 1000;
    this.#settleMs = options.settleMs ?? 2000;
    this.#idleMs = options.idleMs ?? 10_000;
    this.#memoryBytes = options.memoryBytes ?? 256 * 1024 * 1024;
    this.#memoryMaxFile = options.memoryMaxFile ?? 64 * 1024 * 1024;
    this.#sweeper = setInterval(() => this.#sweep(), this.#idleMs).unref();
  }

  /** A fresh cached file for `path` (absolute, inside root), with a reference taken; else undefined. */
  hit(path: string, now: number): CachedFile | undefined {
    const e = this.#entries.get(path);
    if (e === undefined || e.young || now - e.checkedAt >= this.#revalidateMs) return undefined;
    this.#counts.hits++;
    e.refs++;
    return e;
  }

  /** Revalidates or opens `path`, with a reference taken; null when it is missing, not a file, or resolves outside the root. */
  async open(path: string): Promise<CachedFile | null> {
    this.#counts.misses++;
    let pending = this.#pending.get(path);
    if (!pending) {
      pending = this.#load(path).finally(() => this.#pending.delete(path));
      this.#pending.set(path, pending);
    }
    const e = await pending;
    if (e) e.refs++;
    return e;
  }

  async #load(path: string): Promise<Entry | null> {
    const now = Date.now();
    const old = this.#entries.get(path);
    if (old) {
      const st = await statOrNull(path);
      if (st && st.ino === old.ino && st.dev === old.dev && st.size === old.size && st.mtimeMs === old.mtimeMs && old.cached) {
        old.checkedAt = now;
        old.young = now - old.mtimeMs < this.#settleMs;
        // Approximate LRU: move to the back on each revalidation.
        this.#entries.delete(path);
        this.#entries.set(path, old);
        this.#maybeHold(old);
        return old;
      }
      this.#retire(old);
      if (!st) return null;
    }
    const entry = await this.#openFresh(path, now);
    if (!entry) return null;
    const current = this.#entries.get(path);
    if (current) this.#retire(current);
    this.#entries.set(path, entry);
    while (this.#entries.size > this.#maxOpen) {
      const oldest = this.#entries.values().next().value;
      if (oldest) { this.#retire(oldest); this.#counts.evictions++; }
    }
    this.#maybeHold(entry);
    return entry;
  }

  /** Gives back the reference taken by hit() or open(). */
  release(file: CachedFile): void {
    const e = file as Entry;
    if (--e.refs === 0) fs.close(e.fd, () => {});
  }

  /** Closes every descriptor not in use; the rest close on their last release. */
  close(): void {
    clearInterval(this.#sweeper);
    for (const e of [...this.#entries.values()]) this.#retire(e);
  }

  /**
   * hits: fresh descriptors handed out without a syscall; misses: lookups that
   * opened or revalidated (stat) a file; evictions: descriptors dropped for
   * maxOpen or idleness; bytes: file bytes held in RAM.
   */
  stats(): { hits: number; misses: number; evictions: number; bytes: number } {
    return { ...this.#counts, bytes: this.#memoryUsed };
  }

  /** Open descriptors held by the cache (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  async #openFresh(path: string, now: number): Promise<Entry | null> {
    const root = await this.#resolveRoot();
    if (root === null) return null;
    let real: string;
    try {
      real = await fs.promises.realpath(path);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    if (!real.startsWith(root + sep)) return null;
    let fd: number;
    try {
      fd = await new Promise<number>((resolve, reject) => fs.open(real, OPEN_FLAGS, (err, n) => (err ? reject(err) : resolve(n))));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    const st = await new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (err, s) => (err ? reject(err) : resolve(s)))).catch((e: unknown) => {
      fs.close(fd, () => {});
      throw e;
    });
    if (!st.isFile()) {
      fs.close(fd, () => {});
      return null;
    }
    const mtime = Math.floor(st.mtimeMs / 1000);
    return {
      path, fd, size: st.size, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs, mtime,
      etag: `"${mtime.toString(16)}-${st.size.toString(16)}"`,
      lastModified: formatHttpDate(mtime),
      contentType: contentTypeFor(path),
      young: now - st.mtimeMs < this.#settleMs,
      // One reference belongs to the cache itself while the entry is listed.
      refs: 1, checkedAt: now, cached: true,
    };
  }

  async #resolveRoot(): Promise<string | null> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      this.#realRoot = await fs.promises.realpath(this.#root);
      return this.#realRoot;
    } catch (e) {
      // The media root may not exist yet (nothing transcoded): nothing to serve.
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** Bytes of files held in RAM (for tests and metrics). */
  get memoryUsed(): number {
    return this.#memoryUsed;
  }

  /**
   * Reads a settled file into RAM in the background, evicting the least
   * recently validated held files to make room. Requests keep using the
   * descriptor until the copy is complete; a file that changes is retired
   * (and its copy dropped) by revalidation like any other.
   */
  #maybeHold(e: Entry): void {
    if (e.bytes || e.loading || e.young || e.size === 0 || e.size > this.#memoryMaxFile || e.size > this.#memoryBytes) return;
    for (const other of this.#entries.values()) {
      if (this.#memoryUsed + e.size <= this.#memoryBytes) break;
      if (other !== e && other.bytes) this.#drop(other);
    }
    if (this.#memoryUsed + e.size > this.#memoryBytes) return;
    e.loading = true;
    e.refs++; // the read below uses the descriptor
    this.#memoryUsed += e.size;
    const buf = Buffer.allocUnsafeSlow(e.size);
    let done = 0;
    const step = (): void => fs.read(e.fd, buf, done, e.size - done, done, (err, n) => {
      if (!err && n > 0 && (done += n) < e.size) return step();
      e.loading = false;
      if (!err && done === e.size && e.cached) e.bytes = buf;
      else this.#memoryUsed -= e.size;
      this.release(e);
    });
    step();
  }

  #drop(e: Entry): void {
    if (!e.bytes) return;
    e.bytes = undefined;
    this.#memoryUsed -= e.size;
  }

  #retire(e: Entry): void {
    if (!e.cached) return;
    e.cached = false;
    this.#drop(e);
    if (this.#entries.get(e.path) === e) this.#entries.delete(e.path);
    this.release(e);
  }

  #sweep(): void {
    const now = Date.now();
    for (const e of [...this.#entries.values()]) if (now - e.checkedAt > this.#idleMs) { this.#retire(e); this.#counts.evictions++; }
  }
}

function statOrNull(path: string): Promise<fs.Stats | null> {
  return new Promise((resolve, reject) =>
    fs.stat(path, (err, st) => (err ? (isMissing(err) ? resolve(null) : reject(err)) : resolve(st))),
  );
}
