import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseDuration, parseSize, resolveSecret } from '../src/config.js';

test('durations and sizes parse as documented', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('6h'), 21600);
  assert.equal(parseDuration('12'), 12);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseSize('512MB'), 512e6);
  assert.equal(parseSize('20GB'), 20e9);
  assert.equal(parseSize('8MiB'), 8 * 1024 * 1024);
  assert.equal(parseSize('lots'), undefined);
});

test('defaults match DESIGN.md', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.mediaTtlSeconds, 6 * 3600);
  assert.equal(c.signing, 'hmac');
  assert.equal(c.maxUploadBytes, 20e9);
  assert.equal(c.demo, true);
  assert.equal(c.storage, 'local');
  assert.equal(c.delivery, 'proxy');
  assert.equal(c.segmentSeconds, 4);
  assert.equal(c.encoder, 'libx264');
});

test('a bad variable is refused with a sentence naming it', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SLUICE_MEDIA_TTL: 'forever' }, /SLUICE_MEDIA_TTL="forever" is invalid: expected a duration/],
    [{ SLUICE_MAX_UPLOAD: 'big' }, /SLUICE_MAX_UPLOAD="big" is invalid: expected a size/],
    [{ SLUICE_SIGNING: 'md5' }, /SLUICE_SIGNING="md5" is invalid: expected hmac or nginx/],
    [{ SLUICE_SEGMENT_SECONDS: '6' }, /SLUICE_SEGMENT_SECONDS="6" is invalid: expected 2 or 4/],
    [{ PORT: 'eighty' }, /PORT="eighty" is invalid/],
    [{ SLUICE_CORS_ORIGINS: 'example.com/path' }, /SLUICE_CORS_ORIGINS/],
    [{ SLUICE_SECRET: 'short' }, /SLUICE_SECRET="<hidden>" is invalid: expected at least 32 characters/],
    [{ SLUICE_DEMO: 'maybe' }, /SLUICE_DEMO="maybe" is invalid: expected on, off or force/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig(env), (e: Error & { code?: string }) => e.code === 'SLUICE_ERR_CONFIG_INVALID' && re.test(e.message));
  }
});

test('production requires SLUICE_SECRET and turns demo mode off', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /SLUICE_SECRET is required when NODE_ENV=production/);
  const c = loadConfig({ NODE_ENV: 'production', SLUICE_SECRET: 'x'.repeat(40) });
  assert.equal(c.demo, false);
});

test('the secret is generated once into the data dir, mode 0600, and reused', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cfg-'));
  const a = resolveSecret(loadConfig({ SLUICE_DATA_DIR: dataDir }));
  const b = resolveSecret(loadConfig({ SLUICE_DATA_DIR: dataDir }));
  assert.ok(a.secret.length >= 32);
  assert.equal(a.secret, b.secret);
  assert.equal(readFileSync(join(dataDir, 'secret'), 'utf8'), a.secret);
  assert.equal(statSync(join(dataDir, 'secret')).mode & 0o777, 0o600);
});

test('bucket storage: each backend names its missing variables; direct delivery needs a bucket', () => {
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 's3' }), /SLUICE_S3_BUCKET is required when SLUICE_STORAGE=s3/);
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 'gcs' }), /SLUICE_GCS_BUCKET is required when SLUICE_STORAGE=gcs/);
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 'azure', SLUICE_AZURE_CONTAINER: 'v' }), /AZURE_STORAGE_CONNECTION_STRING, or SLUICE_AZURE_ACCOUNT/);
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'x' }), /SLUICE_AZURE_CONTAINER is required/);
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: 'b', SLUICE_S3_ENDPOINT: 'localhost:9000' }), /SLUICE_S3_ENDPOINT="localhost:9000" is invalid/);
  assert.throws(() => loadConfig({ SLUICE_DELIVERY: 'direct' }), /SLUICE_DELIVERY="direct" is invalid: expected proxy with SLUICE_STORAGE=local/);
  assert.throws(() => loadConfig({ SLUICE_STORAGE: 'dropbox' }), /SLUICE_STORAGE="dropbox" is invalid/);
  const s3 = loadConfig({ SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: 'videos', SLUICE_S3_ENDPOINT: 'http://127.0.0.1:9000', SLUICE_S3_FORCE_PATH_STYLE: 'on' });
  assert.deepEqual(s3.s3, { bucket: 'videos', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  assert.equal(s3.delivery, 'direct');
  assert.equal(loadConfig({ SLUICE_STORAGE: 'gcs', SLUICE_GCS_BUCKET: 'v', SLUICE_DELIVERY: 'proxy' }).delivery, 'proxy');
  assert.equal(loadConfig({ SLUICE_CACHE_MAX: '2GB' }).cacheMaxBytes, 2e9);
  assert.throws(() => loadConfig({ SLUICE_CACHE_TTL: 'a while' }), /SLUICE_CACHE_TTL/);
});
