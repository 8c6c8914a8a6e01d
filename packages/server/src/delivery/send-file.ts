/**
 * Writes a planned 200/206 body from a cached descriptor. Small bodies
 * (≤ 1 MiB, one range): one positional read into a pooled buffer, then
 * writeHead + end(buffer), a single writev with the headers. Larger bodies
 * and multipart: a pump of ≤ 1 MiB pooled chunks that waits for 'drain'.
 * Files held in RAM by the FileCache are written straight from memory.
 * The file reference is released only once no read is in flight; a buffer
 * returns to the pool only from its write callback (flushed), never after
 * an abort.
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { MAX_POOLED, type BufferPool } from './buffer-pool.js';
import type { CachedFile } from './file-cache.js';
import type { BodyItem } from './response-plan.js';

export interface SendContext {
  pool: BufferPool;
  release(file: CachedFile): void;
}

export interface BodyPlan {
  status: number;
  headers: Record<string, string>;
  body: BodyItem[];
  length: number;
}

export interface SendHooks {
  /** Called right before the status line is written (e.g. reply.hijack()). */
  begin(): void;
  /** The first read failed and nothing has been written: answer with an error instead. */
  readFailed(err: Error): void;
}

/** Sends `plan` for `file` on `res` and releases `file`; `head` sends the headers only. */
export function sendFile(ctx: SendContext, res: ServerResponse, file: CachedFile, plan: BodyPlan, head: boolean, hooks: SendHooks): void {
  const first = plan.body[0];
  if (head || first === undefined) {
    ctx.release(file);
    hooks.begin();
    res.writeHead(plan.status, plan.headers);
    res.end();
    return;
  }
  const bytes = file.bytes;
  if (bytes) {
    // Held in RAM: slices share the memory; no read, no copy before the socket.
    ctx.release(file);
    hooks.begin();
    res.writeHead(plan.status, plan.headers);
    const last = plan.body.length - 1;
    plan.body.forEach((item, i) => {
      const chunk = Buffer.isBuffer(item) ? item : bytes.subarray(item.start, item.end + 1);
      if (i === last) res.end(chunk);
      else res.write(chunk);
    });
    return;
  }
  if (plan.body.length === 1 && !Buffer.isBuffer(first) && plan.length <= MAX_POOLED) {
    const buf = ctx.pool.take(plan.length);
    readFully(file, buf, plan.length, first.start, (err) => {
      ctx.release(file);
      if (err) return hooks.readFailed(err);
      hooks.begin();
      res.writeHead(plan.status, plan.headers);
      res.end(buf.length === plan.length ? buf : buf.subarray(0, plan.length), () => ctx.pool.give(buf));
    });
    return;
  }
  hooks.begin();
  res.writeHead(plan.status, plan.headers);
  pump(ctx, res, file, plan.body);
}

/** Reads exactly `length` bytes at `position`; a file shorter than its stat said is an error. */
function readFully(file: CachedFile, buf: Buffer, length: number, position: number, cb: (err: Error | null) => void): void {
  let done = 0;
  const step = (): void => {
    fs.read(file.fd, buf, done, length - done, position + done, (err, n) => {
      if (err) return cb(err);
      if (n === 0) return cb(new Error(`file shrank while being served (fd ${file.fd})`));
      done += n;
      if (done < length) step();
      else cb(null);
    });
  };
  step();
}

function pump(ctx: SendContext, res: ServerResponse, file: CachedFile, items: BodyItem[]): void {
  let index = 0;
  let position = -1;
  let reading = false;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    ctx.release(file);
  };
  // An aborted client never drains: give the file back unless a read still uses it.
  res.once('close', () => {
    if (!reading) release();
  });

  const next = (): void => {
    while (index < items.length) {
      if (res.destroyed) return release();
      const item = items[index]!;
      if (Buffer.isBuffer(item)) {
        index++;
        if (!res.write(item)) return void res.once('drain', next);
        continue;
      }
      if (position < 0) position = item.start;
      if (position > item.end) {
        index++;
        position = -1;
        continue;
      }
      const length = Math.min(MAX_POOLED, item.end + 1 - position);
      const buf = ctx.pool.take(length);
      reading = true;
      fs.read(file.fd, buf, 0, length, position, (err, n) => {
        reading = false;
        if (res.destroyed) return release();
        if (err || n === 0) {
          // Headers are gone: all we can do is cut the connection (as nginx does).
          release();
          res.destroy(err ?? new Error('file shrank while being served'));
          return;
        }
        position += n;
        const ok = res.write(n === buf.length ? buf : buf.subarray(0, n), (werr) => {
          if (!werr) ctx.pool.give(buf);
        });
        if (ok) next();
        else res.once('drain', next);
      });
      return;
    }
    release();
    res.end();
  };
  next();
}
