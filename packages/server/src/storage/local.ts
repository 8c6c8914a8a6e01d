/**
 * Local-disk storage: keys are paths under a root folder. Objects are
 * written to a temp name and renamed into place, so a reader never sees a
 * partial object (the /media fd cache relies on files never being rewritten
 * in place). No presigned URLs: local media is served by the /media route.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SluiceError } from '../errors.js';
import { checkKey, type ByteRange, type ObjectInfo, type PutOptions, type Storage } from './storage.js';

let tmpCounter = 0;

export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  readonly capabilities = { presignedRead: false };

  constructor(readonly root: string) {}

  /** Absolute path of a key (the /media route and ffmpeg read local files directly). */
  path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async put(key: string, body: Readable | Buffer, _options?: PutOptions): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.${process.pid}-${++tmpCounter}.tmp`);
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.path(key);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new SluiceError('SLUICE_ERR_STORAGE_NOT_FOUND', `No object ${key} in local storage.`);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.path(key)).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { key, size: info.size, etag: `${info.mtimeMs.toString(16)}-${info.size.toString(16)}`, lastModified: info.mtime };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // A prefix may end inside a name (`media/ab` matches `media/abc/…`): walk its folder.
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dir ? this.path(dir) : this.root;
    for await (const file of walk(start)) {
      const key = relative(this.root, file).split(sep).join('/');
      if (!key.startsWith(prefix) || key.split('/').some((s) => s.startsWith('.'))) continue;
      const info = await this.stat(key);
      if (info) yield info;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for await (const info of this.list(prefix)) {
      await rm(this.path(info.key), { force: true });
      n += 1;
    }
    // A whole folder prefix (`media/<id>/`) goes with its empty folders and temp files.
    if (prefix.endsWith('/')) await rm(this.path(prefix.slice(0, -1)), { recursive: true, force: true });
    return n;
  }

  async presignRead(key: string): Promise<string> {
    throw new SluiceError('SLUICE_ERR_STORAGE_PRESIGN_UNSUPPORTED', `Local storage cannot presign ${key}: local media is served by the /media route.`);
  }

  async close(): Promise<void> {}
}

async function* walk(dir: string): AsyncIterable<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
