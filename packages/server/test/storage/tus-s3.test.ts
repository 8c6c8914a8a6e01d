/**
 * Real tus uploads (tus-js-client in Node) through a plain @tus/server on
 * port 0 whose datastore is createS3TusStore, into s3rver (support/s3rver.ts:
 * every request is s3rver's except ListParts, which s3rver lacks and the
 * helper answers from s3rver's own part files). The bytes land at
 * `uploads/<id>` in the bucket and are read back through the S3 Storage.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { S3 } from '@aws-sdk/client-s3';
import { Server as TusServer } from '@tus/server';
import { Upload } from 'tus-js-client';
import { createS3Storage } from '../../src/storage/s3.js';
import type { Storage } from '../../src/storage/storage.js';
import { createS3TusStore, tusPartSize } from '../../src/storage/tus-s3.js';
import { s3rverBucket, startS3rver, type RunningS3rver } from './support/s3rver.js';

const MiB = 1024 * 1024;
let s3: RunningS3rver;
let storage: Storage;
let http: HttpServer;
let endpoint: string;
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
  const tus = new TusServer({ path: '/files', datastore, namingFunction: () => randomBytes(16).toString('hex') });
  http = createServer((req, res) => { void tus.handle(req, res); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/files`;
});
after(async () => {
  http?.closeAllConnections();
  await new Promise((r) => http?.close(r));
  await storage?.close();
  await s3?.stop();
});

async function bytes(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function upload(body: Buffer, chunkSize: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new Upload(body, {
      endpoint, chunkSize, retryDelays: [],
      metadata: { filename: 'clip é.mp4', filetype: 'video/mp4' },
      onError: reject,
      onSuccess: () => resolve(u.url ?? ''),
    });
    u.start();
  });
}

async function uploaded(url: string, body: Buffer): Promise<string> {
  const id = url.slice(url.lastIndexOf('/') + 1);
  assert.match(id, /^[0-9a-f]{32}$/, 'the tus id stays the bare id: the prefix is the store\'s business');
  assert.equal((await storage.stat(`uploads/${id}`))?.size, body.length);
  assert.equal(sha(await bytes(await storage.get(`uploads/${id}`))), sha(body));
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
