// Settled files held in RAM by the FileCache: loaded in the background,
// bounded by a byte budget, dropped when the file changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCache, type CachedFile } from '../../src/delivery/file-cache.js';

const old = new Date(Date.now() - 60_000);
function settledFile(dir: string, name: string, body: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  utimesSync(p, old, old); // settled: not modified within the last 2 s
  return p;
}
const until = async (ok: () => boolean | Promise<boolean>): Promise<void> => { for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 5)); };
/** True once `path` is served from RAM (takes and gives back a reference). */
async function held(cache: FileCache, path: string): Promise<boolean> {
  const f = await cache.open(path);
  if (f) cache.release(f);
  return f?.bytes !== undefined;
}

test('a settled file is copied into RAM once, then served from it; a replaced file is dropped and reloaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mem-'));
  const a = randomBytes(300_000);
  const path = settledFile(dir, 'a.m4s', a);
  const cache = new FileCache({ root: dir, revalidateMs: 0 });
  try {
    const first = (await cache.open(path))!;
    cache.release(first);
    await until(() => held(cache, path));
    assert.equal(cache.memoryUsed, a.length);
    const inRam = (await cache.open(path))!;
    assert.ok(inRam.bytes?.equals(a), 'served from RAM with the exact bytes');
    cache.release(inRam);

    const b = randomBytes(200_000);
    settledFile(dir, 'b.tmp', b);
    renameSync(join(dir, 'b.tmp'), path); // published like media: a new file under the old name
    const fresh = (await cache.open(path))!;
    assert.notEqual(fresh.bytes?.equals(a), true, 'the old copy is never served for the new file');
    cache.release(fresh);
    await until(() => held(cache, path));
    assert.equal(cache.memoryUsed, b.length);
    const again = (await cache.open(path))!;
    assert.ok(again.bytes?.equals(b));
    cache.release(again);
  } finally {
    cache.close();
  }
  assert.equal(new FileCache({ root: dir }).memoryUsed, 0);
});

test('the RAM budget holds: older copies are evicted, too-big and growing files are never held', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mem-'));
  const cache = new FileCache({ root: dir, revalidateMs: 0, memoryBytes: 250_000, memoryMaxFile: 150_000 });
  const open = async (p: string): Promise<CachedFile> => { const f = (await cache.open(p))!; cache.release(f); return f; };
  try {
    const one = settledFile(dir, '1.m4s', randomBytes(100_000));
    const two = settledFile(dir, '2.m4s', randomBytes(100_000));
    const three = settledFile(dir, '3.m4s', randomBytes(100_000));
    for (const p of [one, two, three]) await until(() => held(cache, p));
    assert.ok(cache.memoryUsed <= 250_000, `within budget: ${cache.memoryUsed}`);
    assert.ok((await cache.open(three))!.bytes, 'the most recent file is held');
    await open(settledFile(dir, 'big.mp4', randomBytes(200_000)));
    const young = join(dir, 'young.m4s');
    writeFileSync(young, randomBytes(1000)); // just written: may still grow
    await open(young);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await open(join(dir, 'big.mp4'))).bytes, undefined, 'over memoryMaxFile');
    assert.equal((await open(young)).bytes, undefined, 'young files stay on disk');
    assert.ok(cache.memoryUsed <= 250_000);
  } finally {
    cache.close();
  }
});
