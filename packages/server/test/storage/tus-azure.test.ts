/**
 * A real tus upload (tus-js-client in Node, several PATCHes) through a plain
 * @tus/server on port 0 whose datastore is createAzureTusStore, into
 * Azurite: the bytes land at `uploads/<id>` in the container, read back
 * through the Azure Storage.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { Server as TusServer } from '@tus/server';
import { Upload } from 'tus-js-client';
import { createAzureStorage, type AzureStorage } from '../../src/storage/azure.js';
import { createAzureTusStore } from '../../src/storage/tus-azure.js';
import { startAzurite, type Azurite } from './support/azurite.js';

let azurite: Azurite;
let storage: AzureStorage;
let http: HttpServer;
let endpoint: string;

before(async () => {
  azurite = await startAzurite();
  const container = `sluice-tus-${randomBytes(4).toString('hex')}`;
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container).create();
  storage = await createAzureStorage({ container, connectionString: azurite.connectionString });
  const tus = new TusServer({ path: '/files', datastore: await createAzureTusStore(storage), namingFunction: () => randomBytes(16).toString('hex') });
  http = createServer((req, res) => { void tus.handle(req, res); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/files`;
});
after(async () => {
  await new Promise((r) => http?.close(r));
  await storage?.close();
  await azurite?.stop();
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
      onSuccess: () => resolve(u.url!),
    });
    u.start();
  });
}

test('a tus-js-client upload in 1 MiB PATCHes lands byte for byte at uploads/<id>', async () => {
  const body = randomBytes(3 * 1024 * 1024 + 12345);
  const url = await upload(body, 1024 * 1024);
  const id = url.slice(url.lastIndexOf('/') + 1);
  assert.match(id, /^[0-9a-f]{32}$/, 'the tus id stays the bare id: the prefix is the store\'s business');
  assert.equal((await storage.stat(`uploads/${id}`))?.size, body.length);
  assert.equal(sha(await bytes(await storage.get(`uploads/${id}`))), sha(body));
  assert.deepEqual(await bytes(await storage.get(`uploads/${id}`, { start: 1024 * 1024 - 1, end: 1024 * 1024 })), body.subarray(1024 * 1024 - 1, 1024 * 1024 + 1));
  const everything: string[] = [];
  for await (const o of storage.list('')) everything.push(o.key);
  assert.deepEqual(everything, [`uploads/${id}`], 'nothing written outside uploads/');

  // tus HEAD reads the upload's state back from the blob's metadata.
  const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(body.length));
  assert.equal(head.headers.get('upload-length'), String(body.length));
});
