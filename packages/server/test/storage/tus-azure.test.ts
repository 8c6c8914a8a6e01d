/**
 * A real tus upload (tus-js-client in Node, several PATCHes) through a plain
 * @tus/server on port 0 whose datastore is createAzureTusStore, into
 * Azurite: the bytes land at `uploads/<id>` in the container, read back
 * through the Azure Storage.
 */
import { after, before, test } from 'node:test';
import { readAll, sha256, startTusHarness, type TusHarness } from './support/tus-harness.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAzureStorage, type AzureStorage } from '../../src/storage/azure.js';
import { createAzureTusStore } from '../../src/storage/tus-azure.js';
import { startAzurite, type Azurite } from './support/azurite.js';

let azurite: Azurite;
let storage: AzureStorage;
let harness: TusHarness;
let upload: TusHarness['upload'];

before(async () => {
  azurite = await startAzurite();
  const container = `sluice-tus-${randomBytes(4).toString('hex')}`;
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container).create();
  storage = await createAzureStorage({ container, connectionString: azurite.connectionString });
  harness = await startTusHarness(await createAzureTusStore(storage));
  upload = harness.upload;
});
after(async () => {
  await harness?.close();
  await storage?.close();
  await azurite?.stop();
});


test('a tus-js-client upload in 1 MiB PATCHes lands byte for byte at uploads/<id>', async () => {
  const body = randomBytes(3 * 1024 * 1024 + 12345);
  const url = await upload(body, 1024 * 1024);
  const id = url.slice(url.lastIndexOf('/') + 1);
  assert.match(id, /^[0-9a-f]{32}$/, 'the tus id stays the bare id: the prefix is the store\'s business');
  assert.equal((await storage.stat(`uploads/${id}`))?.size, body.length);
  assert.equal(sha256(await readAll(await storage.get(`uploads/${id}`))), sha256(body));
  assert.deepEqual(await readAll(await storage.get(`uploads/${id}`, { start: 1024 * 1024 - 1, end: 1024 * 1024 })), body.subarray(1024 * 1024 - 1, 1024 * 1024 + 1));
  const everything: string[] = [];
  for await (const o of storage.list('')) everything.push(o.key);
  assert.deepEqual(everything, [`uploads/${id}`], 'nothing written outside uploads/');

  // tus HEAD reads the upload's state back from the blob's metadata.
  const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-offset'), String(body.length));
  assert.equal(head.headers.get('upload-length'), String(body.length));
});
