/**
 * Real tus uploads (tus-js-client in Node) through a plain @tus/server on
 * port 0 whose datastore is createS3TusStore, into s3rver (support/s3rver.ts:
 * every request is s3rver's except ListParts, which s3rver lacks and the
 * helper answers from s3rver's own part files). The bytes land at
 * `uploads/<id>` in the bucket and are read back through the S3 Storage.
 */
import { after, before, test } from 'node:test';
import { readAll, sha256, startTusHarness, type TusHarness } from './support/tus-harness.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { S3 } from '@aws-sdk/client-s3';
import { createS3Storage } from '../../src/storage/s3.js';
import type { Storage } from '../../src/storage/storage.js';
import { createS3TusStore, tusPartSize } from '../../src/storage/tus-s3.js';
import { s3rverBucket, startS3rver, type RunningS3rver } from './support/s3rver.js';

const MiB = 1024 * 1024;
let s3: RunningS3rver;
let storage: Storage;
let harness: TusHarness;
let upload: TusHarness['upload'];
/** The S3 commands the tus store sent, counted with an SDK middleware on its own client. */
let sent: string[] = [];
const count = (name: string): number => sent.filter((c) => c === name).length;

before(async () => {
  s3 = await startS3rver();
  const options = await s3rverBucket(s3);
  storage = await createS3Storage(options);
  const datastore = await createS3TusStore({ ...options, maxUploadBytes: 20e9 });
  (datastore as unknown as { client: S3 }).client.middlewareStack.add((next, context) => (args) => {
    sent.push(String(context.commandName));
    return next(args);
  }, { step: 'initialize' });
  harness = await startTusHarness(datastore);
  upload = harness.upload;
});
after(async () => {
  await harness?.close();
  await storage?.close();
  await s3?.stop();
});


async function uploaded(url: string, body: Buffer): Promise<string> {
  const id = url.slice(url.lastIndexOf('/') + 1);
  assert.match(id, /^[0-9a-f]{32}$/, 'the tus id stays the bare id: the prefix is the store\'s business');
  assert.equal((await storage.stat(`uploads/${id}`))?.size, body.length);
  assert.equal(sha256(await readAll(await storage.get(`uploads/${id}`))), sha256(body));
  const keys: string[] = [];
  for await (const o of storage.list(`uploads/${id}`)) keys.push(o.key);
  assert.deepEqual(keys.sort(), [`uploads/${id}`, `uploads/${id}.info`], 'the original and tus\'s info object; no leftover .part');
  // tus HEAD reads the finished upload back (ListParts → NoSuchUpload → complete).
  const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(body.length));
  assert.equal(head.headers.get('upload-length'), String(body.length));
  return id;
}

test('3 MiB PATCHes (short of a part: kept as uploads/<id>.part between them) land byte for byte at uploads/<id>', async () => {
  const body = randomBytes(12 * MiB + 123);
  sent = [];
  await uploaded(await upload(body, 3 * MiB), body);
  // PATCHes of 3, 3, 3, 3 MiB and 123 bytes → parts of 6 MiB, 6 MiB and 123 bytes; two 3 MiB stays in .part.
  assert.equal(count('UploadPartCommand'), 3);
  assert.equal(count('PutObjectCommand'), 3, 'the .info object and two .part objects');
  assert.equal(count('CompleteMultipartUploadCommand'), 1);
});

test('one 20 MiB PATCH is split into 8 MiB parts and lands byte for byte', async () => {
  const body = randomBytes(20 * MiB + 7);
  sent = [];
  await uploaded(await upload(body, Number.POSITIVE_INFINITY), body);
  assert.equal(count('UploadPartCommand'), 3, '8 + 8 + 4 MiB');
  assert.equal(count('PutObjectCommand'), 1, 'only the .info object');
});

test('part size: 8 MiB up to 78 GiB uploads (20 GB uses 2,385 parts), larger for more, refused past 5 GiB parts', () => {
  assert.equal(tusPartSize(20e9), 8 * MiB);
  assert.ok(Math.ceil(20e9 / tusPartSize(20e9)) <= 10_000);
  assert.equal(tusPartSize(200e9), 20 * MiB);
  assert.ok(Math.ceil(200e9 / tusPartSize(200e9)) <= 10_000);
  assert.throws(() => tusPartSize(6e13), /10,000 parts/);
});
