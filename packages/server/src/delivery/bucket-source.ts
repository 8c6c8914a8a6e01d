/**
 * /media bytes from a bucket (`proxy` delivery, and the fallback of `direct`
 * when presigning fails): the same Range answers as from disk (the same
 * planResponse), with the bytes of each range streamed from the backend's
 * own ranged read — never the whole object for a range.
 */
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hijack } from '../reply-hijack.js';
import { contentTypeFor } from '../storage/content-types.js';
import { MEDIA_DIR } from '../storage/media-keys.js';
import type { ObjectInfo, Storage } from '../storage/storage.js';
import type { CachedFile } from './file-cache.js';
import { formatHttpDate } from './http-date.js';
import { fail, sendBodiless } from './media-reply.js';
import type { MediaSource } from './media-source.js';
import { planResponse } from './response-plan.js';

/** Published media never changes, so an object's stat can be remembered briefly. */
const STAT_TTL_MS = 30_000;
const STAT_MAX = 5000;

/** Media bytes the server streamed from the bucket (0 when `direct` delivery works). */
export interface ProxyMeter { readonly bytes: number }

export function createBucketSource(storage: Storage): MediaSource & ProxyMeter {
  let bytes = 0;
  const stats = new Map<string, { info: ObjectInfo | undefined; at: number }>();
  const statOf = async (key: string): Promise<ObjectInfo | undefined> => {
    const hit = stats.get(key);
    if (hit && Date.now() - hit.at < STAT_TTL_MS) return hit.info;
    const info = await storage.stat(key);
    if (stats.size >= STAT_MAX) stats.clear();
    if (info) stats.set(key, { info, at: Date.now() });
    return info;
  };

  const serve = async (req: FastifyRequest, reply: FastifyReply, relative: string): Promise<void> => {
    const key = `${MEDIA_DIR}/${relative}`;
    const info = await statOf(key);
    if (!info) return fail(reply, 'SLUICE_ERR_MEDIA_NOT_FOUND');
    const mtime = Math.floor(info.lastModified.getTime() / 1000);
    const file: CachedFile = {
      fd: -1, size: info.size, etag: `"${info.etag}"`, mtime, lastModified: formatHttpDate(mtime),
      contentType: contentTypeFor(key), young: false,
    };
    const plan = planResponse(req.headers, file);
    if (!('body' in plan)) return sendBodiless(reply, plan);
    const res = hijack(reply);
    res.writeHead(plan.status, plan.headers);
    if (req.method === 'HEAD') { res.end(); return; }
    try {
      for (const item of plan.body) {
        if (Buffer.isBuffer(item)) { if (!res.write(item)) await new Promise((r) => res.once('drain', r)); continue; }
        await pipeline(await storage.get(key, item), res, { end: false });
        bytes += item.end - item.start + 1;
      }
      res.end();
    } catch (err) {
      req.log.warn({ err, key }, 'streaming media from storage failed');
      res.destroy(err instanceof Error ? err : undefined); // headers are gone: cut the connection, as nginx does
    }
  };

  return {
    serve,
    close: () => undefined,
    get bytes() { return bytes; },
  };
}
