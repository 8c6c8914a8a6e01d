/**
 * The one contract every Storage backend runs (tus-node-server's shared
 * store tests are the model). A backend without a capability declares it:
 * the capability's tests then check that it refuses clearly, never skip.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Storage } from '../../src/storage/storage.js';
import { readAll, sha256 } from './support/tus-harness.js';

export interface ContractSubject {
  storage: Storage;
  /** Removes everything the run created (bucket, folder, emulator). */
  cleanup(): Promise<void>;
}

const bytes = readAll;
const sha = sha256;
const code = (e: unknown): string | undefined => (e as { code?: string }).code;

export function describeStorageContract(name: string, factory: () => Promise<ContractSubject>): void {
  describe(`Storage contract: ${name}`, () => {
    let s: Storage;
    let subject: ContractSubject;
    const run = randomBytes(4).toString('hex');
    const k = (key: string): string => `contract-${run}/${key}`;
    before(async () => { subject = await factory(); s = subject.storage; });
    after(async () => { await s?.close(); await subject?.cleanup(); });

    test('put a Buffer, get it back byte for byte, stat it', async () => {
      const body = randomBytes(1000);
      await s.put(k('a/one.bin'), body, { contentType: 'application/octet-stream' });
      assert.deepEqual(await bytes(await s.get(k('a/one.bin'))), body);
      const info = await s.stat(k('a/one.bin'));
      assert.equal(info?.key, k('a/one.bin'));
      assert.equal(info?.size, 1000);
      assert.ok(info!.etag.length > 0 && !info!.etag.includes('"'), 'etag without quotes');
      assert.ok(info!.lastModified instanceof Date && Math.abs(info!.lastModified.getTime() - Date.now()) < 10 * 60_000);
    });

    test('put a 12 MiB stream (multipart where the backend has it) keeps every byte', async () => {
      const body = randomBytes(12 * 1024 * 1024);
      const chunks = Array.from({ length: 48 }, (_, i) => body.subarray(i * 262144, (i + 1) * 262144));
      await s.put(k('big/stream.bin'), Readable.from(chunks));
      assert.equal(sha(await bytes(await s.get(k('big/stream.bin')))), sha(body));
      assert.equal((await s.stat(k('big/stream.bin')))?.size, body.length);
    });

    test('ranged gets: start, middle, last byte, whole', async () => {
      const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
      await s.put(k('range.bin'), body);
      for (const [start, end] of [[0, 0], [0, 99], [1234, 2345], [4999, 4999], [0, 4999]] as const) {
        assert.deepEqual(await bytes(await s.get(k('range.bin'), { start, end })), body.subarray(start, end + 1), `${start}-${end}`);
      }
    });

    test('overwriting replaces the content and changes the etag', async () => {
      await s.put(k('over.txt'), Buffer.from('first version'));
      const first = await s.stat(k('over.txt'));
      await new Promise((r) => setTimeout(r, 20));
      await s.put(k('over.txt'), Buffer.from('second, longer version'));
      assert.equal((await bytes(await s.get(k('over.txt')))).toString(), 'second, longer version');
      assert.notEqual((await s.stat(k('over.txt')))?.etag, first?.etag);
    });

    test('a missing object: stat → undefined, get → SLUICE_ERR_STORAGE_NOT_FOUND', async () => {
      assert.equal(await s.stat(k('nope/missing.bin')), undefined);
      await assert.rejects(s.get(k('nope/missing.bin')), (e) => code(e) === 'SLUICE_ERR_STORAGE_NOT_FOUND');
    });

    test('keys with spaces and non-ASCII names round-trip', async () => {
      const key = k('names/a file with spaces — é.txt');
      await s.put(key, Buffer.from('ok'));
      assert.equal((await bytes(await s.get(key))).toString(), 'ok');
      const listed = [];
      for await (const o of s.list(k('names/'))) listed.push(o.key);
      assert.deepEqual(listed, [key]);
    });

    test('list(prefix) returns every object below it, at any depth, and nothing else', async () => {
      const keys = ['tree/x/1.bin', 'tree/x/y/2.bin', 'tree/x/y/z/3.bin', 'tree/xx/4.bin', 'treeish/5.bin'].map(k);
      for (const key of keys) await s.put(key, Buffer.from(key));
      const under = async (p: string): Promise<string[]> => { const out: string[] = []; for await (const o of s.list(k(p))) out.push(o.key); return out.sort(); };
      assert.deepEqual(await under('tree/x/'), keys.slice(0, 3).sort());
      assert.deepEqual(await under('tree/'), keys.slice(0, 4).sort());
      assert.deepEqual(await under('tree/none/'), []);
      for await (const o of s.list(k('tree/x/y/'))) assert.ok(o.size > 0 && o.etag);
    });

    test('deletePrefix removes exactly that prefix', async () => {
      for (const key of ['del/v1/a.bin', 'del/v1/hls/b.bin', 'del/v10/c.bin'].map(k)) await s.put(key, Buffer.from('x'));
      assert.equal(await s.deletePrefix(k('del/v1/')), 2);
      assert.equal(await s.stat(k('del/v1/a.bin')), undefined);
      assert.equal(await s.stat(k('del/v1/hls/b.bin')), undefined);
      assert.ok(await s.stat(k('del/v10/c.bin')), 'a sibling with a longer name survives');
      assert.equal(await s.deletePrefix(k('del/v1/')), 0);
    });

    test('keys with . or .. segments, leading slashes or backslashes are refused', async () => {
      for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', 'a\\b', 'a/./b', '']) {
        await assert.rejects(s.put(bad, Buffer.from('x')), /invalid storage key/, bad);
      }
    });

    test(`presignRead: ${'capability declared and honoured'}`, async () => {
      const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
      await s.put(k('signed/seg.m4s'), body, { contentType: 'video/iso.segment' });
      const exp = Math.floor(Date.now() / 1000) + 600;
      if (!s.capabilities.presignedRead) {
        await assert.rejects(s.presignRead(k('signed/seg.m4s'), exp), (e) => code(e) === 'SLUICE_ERR_STORAGE_PRESIGN_UNSUPPORTED');
        return;
      }
      const url = await s.presignRead(k('signed/seg.m4s'), exp, { contentType: 'video/iso.segment' });
      const whole = await fetch(url);
      assert.equal(whole.status, 200, await whole.clone().text());
      assert.deepEqual(Buffer.from(await whole.arrayBuffer()), body);
      const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), body.subarray(100, 200));
      // An expired URL is refused by the backend itself (403 on S3/Azure/GCS).
      const past = await s.presignRead(k('signed/seg.m4s'), Math.floor(Date.now() / 1000) + 1);
      await new Promise((r) => setTimeout(r, 2500));
      const expired = await fetch(past);
      assert.ok(expired.status >= 400 && expired.status < 500, `expired URL → ${expired.status}`);
      await expired.body?.cancel();
    });
  });
}
