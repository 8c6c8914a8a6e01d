/**
 * The Azure backend against Azurite (a real Blob service emulator started
 * here). Azurite checks SAS signatures and expiry the way Azure does, so
 * the contract's presign test and the tampered-signature test below are
 * real refusals, not simulated ones.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureStorage, createAzureStorage } from '../../src/storage/azure.js';
import { describeStorageContract } from './contract.js';
import { startAzurite, type Azurite } from './support/azurite.js';

const code = (e: unknown): string | undefined => (e as { code?: string }).code;

async function containerOn(azurite: Azurite): Promise<string> {
  const name = `sluice-${randomBytes(4).toString('hex')}`;
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name).create();
  return name;
}

describeStorageContract('Azure Blob (Azurite, connection string)', async () => {
  const azurite = await startAzurite();
  const container = await containerOn(azurite);
  return { storage: await createAzureStorage({ container, connectionString: azurite.connectionString }), cleanup: azurite.stop };
});

describe('Azure Blob storage beyond the contract (Azurite)', () => {
  let azurite: Azurite;
  let storage: AzureStorage;
  let container: string;
  before(async () => {
    azurite = await startAzurite();
    container = await containerOn(azurite);
    // The account + key + endpoint form (SLUICE_AZURE_ACCOUNT + AZURE_STORAGE_KEY), not the connection string.
    storage = await createAzureStorage({ container, account: azurite.account, accountKey: azurite.accountKey, blobEndpoint: azurite.blobEndpoint });
  });
  after(async () => { await storage?.close(); await azurite?.stop(); });

  test('a SAS whose signature was tampered with is refused with 403', async () => {
    await storage.put('media/v1/hls/seg_00001.m4s', randomBytes(500));
    const url = new URL(await storage.presignRead('media/v1/hls/seg_00001.m4s', Math.floor(Date.now() / 1000) + 600));
    const good = await fetch(url);
    assert.equal(good.status, 200);
    await good.body?.cancel();
    const sig = Buffer.from(url.searchParams.get('sig')!, 'base64');
    sig[0] = sig[0]! ^ 0xff;
    url.searchParams.set('sig', sig.toString('base64'));
    const bad = await fetch(url);
    assert.equal(bad.status, 403, await bad.text());
  });

  test('a SAS for one blob does not open another, nor allow writing', async () => {
    await storage.put('media/v1/a.bin', Buffer.from('a'));
    await storage.put('media/v1/b.bin', Buffer.from('b'));
    const url = new URL(await storage.presignRead('media/v1/a.bin', Math.floor(Date.now() / 1000) + 600));
    const other = await fetch(url.href.replace('/a.bin?', '/b.bin?'));
    assert.equal(other.status, 403);
    await other.body?.cancel();
    const write = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-ms-blob-type': 'BlockBlob' } });
    assert.equal(write.status, 403);
    await write.body?.cancel();
  });

  test('presignRead overrides the response Content-Type; put stores content type and cache control', async () => {
    await storage.put('media/v1/hls/master.m3u8', Buffer.from('#EXTM3U\n'), { contentType: 'application/vnd.apple.mpegurl', cacheControl: 'max-age=60' });
    const plain = await fetch(await storage.presignRead('media/v1/hls/master.m3u8', Math.floor(Date.now() / 1000) + 600));
    assert.equal(plain.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.equal(plain.headers.get('cache-control'), 'max-age=60');
    await plain.body?.cancel();
    const overridden = await fetch(await storage.presignRead('media/v1/hls/master.m3u8', Math.floor(Date.now() / 1000) + 600, { contentType: 'text/plain' }));
    assert.equal(overridden.headers.get('content-type'), 'text/plain');
    await overridden.body?.cancel();
  });

  test('a missing container: put fails with SLUICE_ERR_STORAGE_FAILED naming the container and the operation', async () => {
    const missing = await createAzureStorage({ container: 'no-such-container', connectionString: azurite.connectionString });
    await assert.rejects(missing.put('uploads/x', Buffer.from('x')), (e) => {
      assert.equal(code(e), 'SLUICE_ERR_STORAGE_FAILED');
      assert.match((e as Error).message, /put of "uploads\/x" in container no-such-container/);
      return true;
    });
  });

  test('presigning without a key asks the token credential; if it fails → SLUICE_ERR_STORAGE_PRESIGN_FAILED', async () => {
    // A failure we cannot cause for real here: a credential that has no token to give.
    const credential = { getToken: async (): Promise<null> => { throw new Error('no managed identity in this test'); } };
    const keyless = await createAzureStorage({ container, account: azurite.account, blobEndpoint: azurite.blobEndpoint, credential });
    await assert.rejects(keyless.presignRead('media/v1/a.bin', Math.floor(Date.now() / 1000) + 600), (e) => {
      assert.equal(code(e), 'SLUICE_ERR_STORAGE_PRESIGN_FAILED');
      assert.match((e as Error).message, /media\/v1\/a\.bin in container sluice-/);
      return true;
    });
  });

  test('without any connection string or account the factory refuses with SLUICE_ERR_CONFIG_INVALID', async () => {
    await assert.rejects(createAzureStorage({ container }), (e) => code(e) === 'SLUICE_ERR_CONFIG_INVALID');
  });
});
