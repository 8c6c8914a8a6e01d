/**
 * `sluice import`: ingests existing video files as if they had been
 * uploaded — the original is copied into the uploads folder under a new
 * video id and a processing job is queued (the server runs it).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, rename, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Services } from '../services.js';

export async function importFiles(s: Services, files: string[]): Promise<string[]> {
  for (const file of files) {
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) throw new Error(`${file}: not a readable file`);
  }
  const ids: string[] = [];
  for (const file of files) {
    const id = randomBytes(16).toString('hex');
    const tmp = `${s.layout.original(id)}.importing`;
    await copyFile(file, tmp);
    await rename(tmp, s.layout.original(id)); // complete originals only
    const name = basename(file);
    s.repo.createVideo({ id, status: 'queued', title: name.replace(/\.[^.]+$/, ''), filename: name, size: (await stat(s.layout.original(id))).size });
    s.queue.enqueue(id);
    ids.push(id);
  }
  return ids;
}
