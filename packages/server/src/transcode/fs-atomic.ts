/**
 * Publishing files that are served while we work: a reader sees the old
 * file or the complete new one, never a partial write (FINDINGS.md: publish
 * media immutably — write to a temp name, rename, never rewrite in place).
 */
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** A temp name beside `path` (same directory, so rename is atomic), hidden and unique. */
export function tempPath(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}-${counter}.tmp`);
}

/** Writes `data` to a temp file beside `path`, then renames it into place. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = tempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Copies `src` to a temp file beside `dest`, then renames it into place. */
export async function copyFileAtomic(src: string, dest: string): Promise<void> {
  const tmp = tempPath(dest);
  try {
    await copyFile(src, tmp);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
