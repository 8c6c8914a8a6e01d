/**
 * `sluice import`: ingests existing video files as if they had been
 * uploaded — each original is stored under a new video id (local disk or
 * bucket, like a tus upload) and a processing job is queued (the server runs it).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Services } from '../services.js';
import { originalKey } from '../storage/media-store.js';

export async function importFiles(s: Services, files: string[]): Promise<string[]> {
  const sizes = new Map<string, number>();
  for (const file of files) {
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) throw new Error(`${file}: not a readable file`);
    sizes.set(file, st.size);
  }
  const ids: string[] = [];
  for (const file of files) {
    const id = randomBytes(16).toString('hex');
    await s.media.storage.put(originalKey(id), createReadStream(file)); // complete originals only
    const name = basename(file);
    await s.store.createVideo({ id, status: 'queued', title: name.replace(/\.[^.]+$/, ''), filename: name, size: sizes.get(file)! });
    await s.queue.enqueue(id);
    ids.push(id);
  }
  return ids;
}
