/**
 * Presigning without an account key: a user delegation key from a token
 * credential, against Azurite in OAuth mode. Azurite's `--oauth basic`
 * needs HTTPS (a self-signed certificate made here with openssl) and checks
 * a bearer token's issuer, audience and lifetime but not its signature, so
 * the token below is an unsigned-in-effect JWT for a made-up Entra user.
 * Azurite derives the delegation key and checks the user-delegation SAS
 * signature and expiry for real.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAzureStorage, type AzureStorage } from '../../src/storage/azure.js';
import { startAzurite, type Azurite } from './support/azurite.js';

// This process trusts the emulator's self-signed certificate (SDK and fetch alike).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function entraToken(): { token: string; expiresOnTimestamp: number } {
  const now = Math.floor(Date.now() / 1000);
  const tid = randomUUID();
  const claims = { aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${tid}/`, tid, oid: randomUUID(), iat: now - 60, nbf: now - 60, exp: now + 3600 };
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return { token: `${unsigned}.${createHmac('sha256', 'not checked by azurite').update(unsigned).digest('base64url')}`, expiresOnTimestamp: (now + 3600) * 1000 };
}

let certDir: string;
let azurite: Azurite;
let storage: AzureStorage;
let tokenRequests = 0;

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'sluice-azurite-cert-'));
  const cert = join(certDir, 'cert.pem');
  const key = join(certDir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  azurite = await startAzurite({ tls: { cert, key }, oauth: true });
  const container = `sluice-${randomBytes(4).toString('hex')}`;
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container).create();
  const credential = { getToken: async () => { tokenRequests += 1; return entraToken(); } };
  // Only the account and a token credential: no key anywhere (SLUICE_AZURE_ACCOUNT without AZURE_STORAGE_KEY).
  // Azurite 3.35 verifies user-delegation SAS in its own API version's format (2025-11-05), not the SDK's newer default.
  storage = await createAzureStorage({ container, account: azurite.account, blobEndpoint: azurite.blobEndpoint, credential, sasVersion: '2025-11-05' });
});
after(async () => {
  await storage?.close();
  await azurite?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

test('a keyless backend writes with the token and signs reads with a user delegation key', async () => {
  const body = Buffer.from(Array.from({ length: 4000 }, (_, i) => i % 253));
  await storage.put('media/v1/hls/720p/seg_00001.m4s', body, { contentType: 'video/iso.segment' });
  assert.ok(tokenRequests > 0, 'the write went through the token credential');

  const url = new URL(await storage.presignRead('media/v1/hls/720p/seg_00001.m4s', Math.floor(Date.now() / 1000) + 600));
  assert.ok(url.searchParams.get('skoid'), 'a user-delegation SAS carries the signed object id (skoid)');
  assert.equal(url.searchParams.get('spr'), 'https', 'an https endpoint gets https-only URLs');
  const part = await fetch(url, { headers: { range: 'bytes=10-19' } });
  assert.equal(part.status, 206, await part.clone().text());
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), body.subarray(10, 20));

  const tampered = new URL(url);
  tampered.searchParams.set('skoid', randomUUID());
  const refused = await fetch(tampered);
  assert.equal(refused.status, 403, 'a SAS whose signed fields were changed is refused');
  await refused.body?.cancel();
});

test('one delegation key serves many URLs; an expired user-delegation SAS is refused', async () => {
  await storage.put('media/v1/a.bin', Buffer.from('a'));
  const first = new URL(await storage.presignRead('media/v1/a.bin', Math.floor(Date.now() / 1000) + 600));
  const second = new URL(await storage.presignRead('media/v1/a.bin', Math.floor(Date.now() / 1000) + 1));
  assert.equal(first.searchParams.get('ske'), second.searchParams.get('ske'), 'the same delegation key signed both');
  await new Promise((r) => setTimeout(r, 2500));
  const expired = await fetch(second);
  assert.equal(expired.status, 403);
  await expired.body?.cancel();
  const live = await fetch(first);
  assert.equal(live.status, 200);
  assert.equal(await live.text(), 'a');
});
