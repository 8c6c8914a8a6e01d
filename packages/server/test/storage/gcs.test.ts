/**
 * The GCS backend's data path: the shared Storage contract, keyless (signBlob)
 * signing and @tus/gcs-store uploads, all through the REAL @google-cloud/storage
 * client against a FAKE GCS server. No GCS emulator runs here; read the top of
 * support/gcs-fake-server.ts for exactly what this fake proves and what it
 * does not. The signing itself is held to Google's vectors in
 * gcs-signing.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Server as TusServer } from '@tus/server';
import { createGcsStorage } from '../../src/storage/gcs.js';
import { createGcsTusStore } from '../../src/storage/tus-gcs.js';
import type { Storage } from '../../src/storage/storage.js';
import { describeStorageContract } from './contract.js';
import { startFakeGcs, type FakeGcs } from './support/gcs-fake-server.js';
import { keylessAuth } from './support/gcs-keyless-auth.js';
import { loadDummyServiceAccount } from './support/gcs-vectors.js';

const BUCKET = 'sluice-test';
const code = (e: unknown): string | undefined => (e as { code?: string }).code;

async function fakeWithKey(): Promise<{ fake: FakeGcs; key: { client_email: string; private_key: string } }> {
  const { client_email, private_key } = loadDummyServiceAccount();
  // Pages of 3 so list() and deletePrefix() must follow pageToken.
  const fake = await startFakeGcs({ bucket: BUCKET, serviceAccount: { client_email, private_key }, pageSize: 3 });
  return { fake, key: { client_email, private_key } };
}

describeStorageContract('GCS (real SDK, fake server: see support/gcs-fake-server.ts)', async () => {
  const { fake, key } = await fakeWithKey();
  // A 1 MiB threshold: the contract's 12 MiB stream goes up resumable, its small puts in one request.
  const storage = await createGcsStorage({ bucket: BUCKET, credentials: key, apiEndpoint: fake.endpoint, projectId: 'dummy-project-id', resumableThreshold: 1024 * 1024 });
  return { storage, cleanup: () => fake.close() };
});

describe('GCS backend specifics (fake server)', () => {
  let fake: FakeGcs;
  let key: { client_email: string; private_key: string };
  before(async () => ({ fake, key } = await fakeWithKey()));
  after(() => fake.close());

  test('a small Buffer goes up in one multipart request, a big stream resumable, both atomically', async () => {
    const s = await createGcsStorage({ bucket: BUCKET, credentials: key, apiEndpoint: fake.endpoint, resumableThreshold: 64 * 1024 });
    const uploads = (): string[] => fake.requests.splice(0).filter((r) => r.includes('uploadType'));
    uploads();
    await s.put('media/v1/poster.jpg', randomBytes(1000), { contentType: 'image/jpeg', cacheControl: 'public, max-age=60' });
    assert.deepEqual(uploads(), [`POST /upload/storage/v1/b/${BUCKET}/o?uploadType=multipart`]);
    const poster = fake.objects.get('media/v1/poster.jpg');
    assert.equal(poster?.contentType, 'image/jpeg');
    assert.equal(poster?.cacheControl, 'public, max-age=60');
    const { Readable } = await import('node:stream');
    const big = randomBytes(300 * 1024);
    await s.put('media/v1/video.mp4', Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]), { contentType: 'video/mp4' });
    assert.deepEqual(uploads().slice(0, 2), [`POST /upload/storage/v1/b/${BUCKET}/o?uploadType=resumable`, `PUT /upload/storage/v1/b/${BUCKET}/o?uploadType=resumable`]);
    assert.deepEqual(fake.objects.get('media/v1/video.mp4')?.data, big);
    assert.equal(fake.objects.get('media/v1/video.mp4')?.contentType, 'video/mp4');
  });

  test('presignRead with responseType: the signed URL serves the requested Content-Type; a tampered one is refused', async () => {
    const s = await createGcsStorage({ bucket: BUCKET, credentials: key, apiEndpoint: fake.endpoint });
    await s.put('media/v2/hls/master.m3u8', Buffer.from('#EXTM3U\n'));
    const url = await s.presignRead('media/v2/hls/master.m3u8', Math.floor(Date.now() / 1000) + 60, { contentType: 'application/vnd.apple.mpegurl' });
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.equal(await ok.text(), '#EXTM3U\n');
    const tampered = await fetch(url.replace('master.m3u8', 'other.m3u8'));
    assert.equal(tampered.status, 403, 'the signature covers the path');
    await tampered.body?.cancel();
  });

  test('presignRead for more than 7 days → SLUICE_ERR_STORAGE_PRESIGN_FAILED', async () => {
    const s = await createGcsStorage({ bucket: BUCKET, credentials: key, apiEndpoint: fake.endpoint });
    await assert.rejects(s.presignRead('a.bin', Math.floor(Date.now() / 1000) + 8 * 86400), (e) => code(e) === 'SLUICE_ERR_STORAGE_PRESIGN_FAILED');
  });

  test('without a key, URLs are signed by IAM signBlob; a refused signBlob names the missing permission', async () => {
    const s = await createGcsStorage({ bucket: BUCKET, apiEndpoint: fake.endpoint, authClient: keylessAuth(key.client_email), signingEndpoint: fake.signBlobEndpoint });
    const body = randomBytes(500);
    await s.put('media/v3/seg_00001.m4s', body);
    fake.requests.length = 0;
    const url = await s.presignRead('media/v3/seg_00001.m4s', Math.floor(Date.now() / 1000) + 60);
    assert.deepEqual(fake.requests, [`POST /v1/projects/-/serviceAccounts/${key.client_email}:signBlob`]);
    const res = await fetch(url, { headers: { range: 'bytes=10-19' } });
    assert.equal(res.status, 206);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), body.subarray(10, 20));

    fake.signBlob = 'deny';
    try {
      await assert.rejects(s.presignRead('media/v3/seg_00001.m4s', Math.floor(Date.now() / 1000) + 60), (e) => {
        assert.equal(code(e), 'SLUICE_ERR_STORAGE_PRESIGN_FAILED');
        assert.match((e as Error).message, /lacks the permission iam\.serviceAccounts\.signBlob/);
        return true;
      });
    } finally {
      fake.signBlob = 'allow';
    }
  });

  test('a failing bucket → SLUICE_ERR_STORAGE_FAILED naming bucket and operation', async () => {
    const s = await createGcsStorage({ bucket: 'no-such-bucket', credentials: key, apiEndpoint: fake.endpoint });
    await assert.rejects(s.put('x.bin', Buffer.from('x')), (e) => {
      assert.equal(code(e), 'SLUICE_ERR_STORAGE_FAILED');
      assert.match((e as Error).message, /put of x\.bin in bucket no-such-bucket failed: The specified bucket does not exist/);
      return true;
    });
  });
});

describe('@tus/gcs-store through a plain @tus/server (fake GCS)', () => {
  let fake: FakeGcs;
  let http: HttpServer;
  let base: string;
  let storage: Storage;
  before(async () => {
    const { fake: f, key } = await fakeWithKey();
    fake = f;
    const options = { bucket: BUCKET, credentials: key, apiEndpoint: fake.endpoint };
    const tus = new TusServer({ path: '/files', datastore: await createGcsTusStore(options) });
    storage = await createGcsStorage(options);
    http = createServer((req, res) => void tus.handle(req, res));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    await fake.close();
  });

  test('an upload in two PATCHes lands whole at uploads/<id>, with no _patch object left', async () => {
    const body = randomBytes(200_000);
    const tusHeaders = { 'tus-resumable': '1.0.0' };
    const created = await fetch(`${base}/files`, { method: 'POST', headers: { ...tusHeaders, 'upload-length': String(body.length), 'upload-metadata': `filetype ${Buffer.from('video/mp4').toString('base64')}` } });
    assert.equal(created.status, 201, await created.text());
    const location = new URL(created.headers.get('location')!, base).href;
    const id = location.split('/').pop()!;
    let offset = 0;
    for (const part of [body.subarray(0, 120_000), body.subarray(120_000)]) {
      const res = await fetch(location, { method: 'PATCH', headers: { ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: part });
      assert.equal(res.status, 204, await res.text());
      offset = Number(res.headers.get('upload-offset'));
    }
    assert.equal(offset, body.length);
    const head = await fetch(location, { method: 'HEAD', headers: tusHeaders });
    assert.equal(head.headers.get('upload-offset'), String(body.length));
    assert.equal(head.headers.get('upload-length'), String(body.length));

    // The second PATCH went to uploads/<id>_patch and was composed onto the object.
    assert.ok(fake.requests.includes(`POST /storage/v1/b/${BUCKET}/o/${encodeURIComponent(`uploads/${id}`)}/compose`), fake.requests.join('\n'));
    assert.deepEqual([...fake.objects.keys()].filter((k) => k.includes(id)), [`uploads/${id}`]);
    const chunks: Buffer[] = [];
    for await (const c of await storage.get(`uploads/${id}`)) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), body);
  });
});
