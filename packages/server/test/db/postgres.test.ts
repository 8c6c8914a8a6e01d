/**
 * The Store on PostgreSQL (a private server from test/support/postgres.mjs,
 * one fresh database per test): the shared contract, and migrations when
 * several nodes boot together.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startPostgres, type RunningPostgres } from '../../../../test/support/postgres.mjs';
import { migrate } from '../../src/db/migrate.js';
import { LATEST_VERSION, ORDERED_MIGRATIONS } from '../../src/db/migrations.js';
import { Store } from '../../src/db/store.js';
import { describeStoreContract } from './contract.js';
import { createDatabase } from '../support/postgres-database.js';

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

describeStoreContract('PostgreSQL', async () => {
  const server = await startPostgres();
  const opened: Store[] = [];
  const open = async (url: string): Promise<Store> => {
    const s = await Store.open(url, { max: 4 });
    opened.push(s);
    return s;
  };
  let n = 0;
  return {
    async fresh() {
      const url = await createDatabase(server, `contract_${++n}`);
      return { target: url, store: await open(url), another: () => open(url) };
    },
    async stop() {
      for (const s of opened) await s.close();
      await server.stop();
    },
  };
});

describe('PostgreSQL migrations', () => {
  let server: RunningPostgres;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  test('4 nodes migrating a fresh database at once all succeed, and the schema is applied once', async () => {
    const url = await createDatabase(server, 'boot_together');
    const reports = await Promise.all(Array.from({ length: 4 }, () => migrate(url)));
    for (const r of reports) assert.deepEqual([r.dialect, r.to], ['postgres', LATEST_VERSION]);
    const applied = reports.flatMap((r) => r.applied.map((m) => m.version)).sort((a, b) => a - b);
    assert.deepEqual(applied, ORDERED_MIGRATIONS.map((m) => m.version), 'each migration applied by exactly one node');
    assert.equal(reports.filter((r) => r.applied.length > 0).length, 1, 'one node did the work, the others found nothing to do');
    const rows = await query<{ version: number }>(url, 'SELECT version FROM sluice_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), ORDERED_MIGRATIONS.map((m) => m.version));
    const locks = await query<{ n: string }>(url, `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'`);
    assert.equal(locks[0]?.n, '0', 'the advisory lock was released');
  });

  test('native column types: boolean, jsonb, timestamptz, bigint', async () => {
    const url = await createDatabase(server, 'types');
    await migrate(url);
    const rows = await query<{ column_name: string; data_type: string }>(url,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'videos' AND column_name IN ('playable', 'renditions', 'created_at', 'size') ORDER BY column_name`);
    assert.deepEqual(rows.map((r) => [r.column_name, r.data_type]), [
      ['created_at', 'timestamp with time zone'], ['playable', 'boolean'], ['renditions', 'jsonb'], ['size', 'bigint'],
    ]);
  });

  test('Store.open with migrate: false refuses an unmigrated database, naming the fix', async () => {
    const url = await createDatabase(server, 'unmigrated');
    await assert.rejects(Store.open(url, { migrate: false }), /schema version 0, this Sluice needs \d+: run `sluice migrate`/);
    await migrate(url);
    const store = await Store.open(url, { migrate: false });
    assert.equal(await store.schemaVersion(), LATEST_VERSION);
    await store.close();
  });

  test('a database from a newer Sluice is refused, not downgraded', async () => {
    const url = await createDatabase(server, 'newer');
    await migrate(url);
    await query(url, `INSERT INTO sluice_migrations (version, name) VALUES (${LATEST_VERSION + 1}, 'from the future')`);
    await assert.rejects(migrate(url), /newer than this Sluice/);
  });
});
