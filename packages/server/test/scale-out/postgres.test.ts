import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startPostgres, type RunningPostgres } from '../../../../test/support/postgres.mjs';
import { openPgPool } from '../../src/db/engines.js';
import { LATEST_VERSION, ORDERED_MIGRATIONS } from '../../src/db/migrations.js';
import { PostgresExclusive } from '../../src/queue/exclusive.js';
import { describeScaleOut } from './journey.js';
import { assertOneNodeAtATime, createDatabase } from './support.js';

let pg: RunningPostgres | undefined;
const server = async (): Promise<RunningPostgres> => (pg ??= await startPostgres());
after(async () => { await pg?.stop(); });

describeScaleOut('PostgreSQL (BullMQ on PostgreSQL, LISTEN/NOTIFY, advisory locks)', 'postgres', async () => {
  const s = await server();
  return { databaseUrl: () => createDatabase(s, 'scale_pg'), stop: () => Promise.resolve() };
});

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
let url = '';
before(async () => { url = await createDatabase(await server(), 'scale_migrate'); });

test('sluice migrate on PostgreSQL applies every migration once; a second run has nothing to do', async () => {
  const env = { ...process.env, SLUICE_DATABASE_URL: url };
  const first = await run(process.execPath, ['--import', 'tsx', CLI, 'migrate'], { env });
  // Every migration this build has, ascending (versions other branches add may leave a gap).
  assert.equal(first.stdout, `postgres: schema version 0 → ${LATEST_VERSION}; applied ${ORDERED_MIGRATIONS.map((m) => `${m.version} (${m.name})`).join(', ')}.\n`);
  const second = await run(process.execPath, ['--import', 'tsx', CLI, 'migrate'], { env });
  assert.equal(second.stdout, `postgres: schema already at version ${LATEST_VERSION}; nothing to do.\n`);
});

test('a chore runs on one node at a time (advisory lock), and on another once it is done', async () => {
  const chores = await createDatabase(await server(), 'scale_chores');
  const pools = [openPgPool(chores, { max: 2 }), openPgPool(chores, { max: 2 })];
  try {
    const [n1, n2] = pools.map((p) => new PostgresExclusive(p));
    await assertOneNodeAtATime(n1!, n2!, { sameNodeSkips: true });
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});
