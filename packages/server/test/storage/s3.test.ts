/**
 * The S3 backend against s3rver 3.7.1, started here in a child process on
 * 127.0.0.1, port 0, in a temp dir (support/s3rver.ts), bucket created
 * through the SDK. The child runs with --openssl-legacy-provider: s3rver
 * encrypts ListObjectsV2 continuation tokens with DES, and without it every
 * listing past 1,000 keys is a 500.
 *
 * What s3rver verifies (the last test below keeps these lines honest):
 * - a SigV4 request's access key id names its one account (S3RVER), else 403
 *   InvalidAccessKeyId; header-signed requests carry x-amz-content-sha256 and
 *   an x-amz-date within 15 minutes;
 * - a presigned URL carries every X-Amz-* parameter, X-Amz-Expires ≤ 604800,
 *   and is refused (403 AccessDenied "Request has expired") once
 *   X-Amz-Date + X-Amz-Expires has passed.
 * What it does NOT verify:
 * - SigV4 signatures (header or presigned: a forged X-Amz-Signature is
 *   served) nor payload hashes; a request with no signature at all is served
 *   anonymously. So "presigning works" here means URL shape and expiry only.
 * - Ranges: `bytes=a-b` with a > 0 is right, but `bytes=0-0` returns the whole
 *   object (it treats end 0 as "no end": Storage.get trims what it gets to the
 *   bytes asked, so the contract's 0-0 case checks that trimming), and suffix
 *   ranges `bytes=-n` are read as `0-n` (the contract uses start-end only).
 * - ListParts, AbortMultipartUpload and ListMultipartUploads do not exist
 *   in s3rver; the helper answers ListParts itself (see support/s3rver.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MAX_PRESIGN_SECONDS, createS3Storage, type S3StorageOptions } from '../../src/storage/s3.js';
import type { Storage } from '../../src/storage/storage.js';
import { describeStorageContract } from './contract.js';
import { s3rverBucket, startS3rver, type RunningS3rver } from './support/s3rver.js';

const code = (e: unknown): string | undefined => (e as { code?: string }).code;
const now = (): number => Math.floor(Date.now() / 1000);
async function text(r: Readable): Promise<string> {
  let out = '';
  for await (const c of r) out += String(c);
  return out;
}

describeStorageContract('S3 (s3rver)', async () => {
  const s3 = await startS3rver();
  return { storage: await createS3Storage(await s3rverBucket(s3)), cleanup: () => s3.stop() };
});

describe('S3 backend specifics (s3rver)', () => {
  let s3: RunningS3rver;
  let options: S3StorageOptions;
  let storage: Storage;
  before(async () => {
    s3 = await startS3rver();
    options = await s3rverBucket(s3);
    storage = await createS3Storage(options);
  });
  after(async () => { await storage?.close(); await s3?.stop(); });

  test('list pages past 1,000 keys and deletePrefix deletes them in batches of 1,000', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((k) => storage.put(k, Buffer.from(k))));
    let listed = 0;
    for await (const _ of storage.list('many/')) listed += 1;
    assert.equal(listed, 1005);
    assert.equal(await storage.deletePrefix('many/'), 1005);
    for await (const o of storage.list('many/')) assert.fail(`left behind: ${o.key}`);
  });

  test('presignRead: expiry clamped to 1 s … 7 days, Content-Type overridden', async () => {
    await storage.put('p/seg.m4s', Buffer.from('segment'), { contentType: 'application/octet-stream' });
    const expires = (url: string): number => Number(new URL(url).searchParams.get('X-Amz-Expires'));
    assert.equal(expires(await storage.presignRead('p/seg.m4s', now() + 30 * 24 * 3600)), MAX_PRESIGN_SECONDS);
    assert.equal(expires(await storage.presignRead('p/seg.m4s', now() - 60)), 1);
    const inAnHour = await storage.presignRead('p/seg.m4s', now() + 3600, { contentType: 'video/iso.segment' });
    assert.ok(Math.abs(expires(inAnHour) - 3600) <= 1);
    const res = await fetch(inAnHour);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/iso.segment');
    assert.equal(await res.text(), 'segment');
  });

  test('presignRead without any credentials → SLUICE_ERR_STORAGE_PRESIGN_FAILED', async () => {
    // The standard chain with nothing to find: no env keys, no files, no instance metadata.
    const dir = mkdtempSync(join(tmpdir(), 'sluice-no-aws-'));
    const vars = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];
    const saved = Object.fromEntries(vars.map((v) => [v, process.env[v]]));
    for (const v of vars) delete process.env[v];
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_EC2_METADATA_DISABLED: 'true' });
    const anonymous = await createS3Storage({ ...options, credentials: undefined });
    try {
      await assert.rejects(anonymous.presignRead('p/seg.m4s', now() + 60), (e) => code(e) === 'SLUICE_ERR_STORAGE_PRESIGN_FAILED' && (e as Error).message.includes(options.bucket));
    } finally {
      await anonymous.close();
      for (const v of vars) { if (saved[v] === undefined) delete process.env[v]; else process.env[v] = saved[v]; }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('other SDK failures → SLUICE_ERR_STORAGE_FAILED naming bucket and operation, with the cause', async () => {
    const missing = await createS3Storage({ ...options, bucket: 'no-such-bucket-here' });
    try {
      await assert.rejects(missing.get('a.bin'), (e) => code(e) === 'SLUICE_ERR_STORAGE_FAILED' && /get of a\.bin in bucket no-such-bucket-here/.test((e as Error).message) && (e as Error).cause instanceof Error);
      await assert.rejects(missing.put('a.bin', Buffer.from('x')), (e) => code(e) === 'SLUICE_ERR_STORAGE_FAILED' && /put of a\.bin in bucket no-such-bucket-here/.test((e as Error).message));
    } finally {
      await missing.close();
    }
  });

  test('a put whose stream fails rejects and leaves no object behind', async () => {
    const failing = new Readable({ read() { this.push(randomBytes(6 * 1024 * 1024)); this.destroy(new Error('disk read failed')); } });
    await assert.rejects(storage.put('broken/video.mp4', failing), (e) => code(e) === 'SLUICE_ERR_STORAGE_FAILED');
    assert.equal(await storage.stat('broken/video.mp4'), undefined);
  });

  test('what s3rver verifies, as the header says (fails if an s3rver upgrade changes it)', async () => {
    await storage.put('v/x.txt', Buffer.from('x'));
    const url = new URL(await storage.presignRead('v/x.txt', now() + 600));
    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    assert.equal((await fetch(forged)).status, 200, 'a forged signature is served');
    const unknownKey = new URL(url);
    unknownKey.searchParams.set('X-Amz-Credential', (url.searchParams.get('X-Amz-Credential') ?? '').replace(/^[^/]+/, 'NOBODY'));
    assert.equal((await fetch(unknownKey)).status, 403, 'an unknown access key id is refused');
    assert.equal((await fetch(`${s3.endpoint}/${options.bucket}/v/x.txt`)).status, 200, 'an unsigned request is served');
    await storage.put('v/ten.txt', Buffer.from('0123456789'));
    const ten = await storage.presignRead('v/ten.txt', now() + 600);
    const ranged = async (range: string): Promise<string> => (await fetch(ten, { headers: { range } })).text();
    assert.equal(await ranged('bytes=2-4'), '234');
    assert.equal(await ranged('bytes=0-0'), '0123456789', 'bytes=0-0 answers the whole object');
    assert.equal(await ranged('bytes=-3'), '0123', 'a suffix range is read as 0-3');
    assert.equal(await text(await storage.get('v/ten.txt', { start: 0, end: 0 })), '0', 'Storage.get trims it');
  });
});
