// Scale-out variables: validated like every other, and an incomplete
// scale-out setup refuses to start with one sentence naming what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { LATEST_VERSION, ORDERED_MIGRATIONS } from '../src/db/migrations.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts');
const SECRET = 'x'.repeat(40);
const COMPLETE = {
  SLUICE_DATABASE_URL: 'postgres://sluice@db.internal:5432/sluice',
  SLUICE_SECRET: SECRET,
  SLUICE_PUBLIC_URL: 'https://video.example.com',
  SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: 'videos',
};

const refused = (env: Record<string, string>, re: RegExp): void => {
  assert.throws(() => loadConfig(env), (e: Error & { code?: string }) => e.code === 'SLUICE_ERR_CONFIG_INVALID' && re.test(e.message), JSON.stringify(env));
};

test('defaults: embedded mode, jobs on', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.redisUrl, undefined);
  assert.equal(c.processJobs, true);
  assert.equal(loadConfig({ SLUICE_PROCESS_JOBS: 'off' }).processJobs, false);
});

test('a complete scale-out setup loads, with or without Redis', () => {
  assert.equal(loadConfig(COMPLETE).databaseUrl, COMPLETE.SLUICE_DATABASE_URL);
  assert.equal(loadConfig({ ...COMPLETE, SLUICE_REDIS_URL: 'rediss://cache.internal:6380' }).redisUrl, 'rediss://cache.internal:6380');
});

test('bad values name the variable', () => {
  refused({ SLUICE_DATABASE_URL: 'mysql://db/sluice' }, /^SLUICE_DATABASE_URL="mysql:\/\/db\/sluice" is invalid: expected a PostgreSQL URL/);
  refused({ ...COMPLETE, SLUICE_REDIS_URL: 'localhost:6379' }, /^SLUICE_REDIS_URL="localhost:6379" is invalid: expected a Redis URL/);
  refused({ SLUICE_PROCESS_JOBS: 'sometimes' }, /^SLUICE_PROCESS_JOBS="sometimes" is invalid: expected on or off/);
});

test('scale-out refuses to start without the secret, the public URL or a bucket — in one sentence naming each', () => {
  const { SLUICE_SECRET: _s, ...noSecret } = COMPLETE;
  refused(noSecret, /^Scale-out mode \(SLUICE_DATABASE_URL is set\) refuses to start without SLUICE_SECRET \(the same on every node/);
  const { SLUICE_PUBLIC_URL: _p, ...noUrl } = COMPLETE;
  refused(noUrl, /without SLUICE_PUBLIC_URL/);
  refused({ ...COMPLETE, SLUICE_STORAGE: 'local' }, /without bucket storage \(SLUICE_STORAGE=s3, gcs or azure/);
  refused({ SLUICE_DATABASE_URL: COMPLETE.SLUICE_DATABASE_URL }, /without SLUICE_SECRET .*, SLUICE_PUBLIC_URL .*, bucket storage/);
  refused({ SLUICE_REDIS_URL: 'redis://127.0.0.1:6379' }, /^SLUICE_REDIS_URL is set without SLUICE_DATABASE_URL/);
  // `sluice migrate` only needs the database.
  assert.equal(loadConfig({ SLUICE_DATABASE_URL: COMPLETE.SLUICE_DATABASE_URL }, { scaleOutChecks: false }).databaseUrl, COMPLETE.SLUICE_DATABASE_URL);
});

test('sluice start and sluice worker stop with the sentence and exit 1', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-scale-refuse-'));
  for (const command of ['start', 'worker']) {
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', CLI, command], { env: { ...process.env, SLUICE_DATA_DIR: dataDir, SLUICE_DATABASE_URL: COMPLETE.SLUICE_DATABASE_URL, SLUICE_SECRET: SECRET, SLUICE_PUBLIC_URL: '' } }),
      (e: Error & { code?: number; stderr?: string }) => e.code === 1 && /SLUICE_ERR_CONFIG_INVALID: Scale-out mode \(SLUICE_DATABASE_URL is set\) refuses to start without SLUICE_PUBLIC_URL/.test(e.stderr ?? ''),
      command);
  }
});

test('sluice migrate brings the embedded SQLite file to the latest schema, then finds nothing to do', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-migrate-'));
  const env = { ...process.env, SLUICE_DATA_DIR: dataDir };
  const first = await run(process.execPath, ['--import', 'tsx', CLI, 'migrate'], { env });
  // Every migration this build has, ascending (versions other branches add may leave a gap).
  assert.equal(first.stdout, `sqlite: schema version 0 → ${LATEST_VERSION}; applied ${ORDERED_MIGRATIONS.map((m) => `${m.version} (${m.name})`).join(', ')}.\n`);
  assert.match(first.stdout, /applied 1 \(videos and jobs\), 2 \(jobs\.pid\), 3 \(.*\), 4 \(jobs\.fence\), /);
  const second = await run(process.execPath, ['--import', 'tsx', CLI, 'migrate'], { env });
  assert.equal(second.stdout, `sqlite: schema already at version ${LATEST_VERSION}; nothing to do.\n`);
});
