/**
 * Brings a database to the latest schema (db/migrations.ts). Safe when
 * several nodes boot together: on PostgreSQL the whole run holds a
 * session-level advisory lock, so one node applies the migrations and the
 * others wait, then find nothing to do; on SQLite each step is an IMMEDIATE
 * transaction that re-reads the version after taking the write lock.
 * `sluice migrate` runs this explicitly.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { openPgPool, openSqlite, parseDatabaseTarget, type Dialect } from './engines.js';
import { LATEST_VERSION, ORDERED_MIGRATIONS } from './migrations.js';

export interface MigrationReport {
  dialect: Dialect;
  /** Schema version found. */
  from: number;
  /** Schema version now (the latest). */
  to: number;
  /** Migrations this call applied (empty when another node or an earlier run did). */
  applied: Array<{ version: number; name: string }>;
}

/** Any 64-bit constant works, as long as every Sluice node uses the same one. */
const PG_MIGRATION_LOCK = '7306146203417110001';

/** Migrates a SQLite file or a postgres:// database, then closes its connection. */
export async function migrate(target: string): Promise<MigrationReport> {
  const t = parseDatabaseTarget(target);
  if (t.dialect === 'sqlite') {
    const db = openSqlite(t.file);
    try {
      return migrateSqlite(db);
    } finally {
      db.close();
    }
  }
  const pool = openPgPool(t.url, { max: 1 });
  try {
    const client = await pool.connect();
    try {
      return await migratePostgres(client);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

function tooNew(dialect: Dialect, found: number): Error {
  return new Error(`The ${dialect} database is at schema version ${found}, newer than this Sluice (${LATEST_VERSION}): upgrade Sluice rather than run an older one against it.`);
}

/** SQLite tracks the version in PRAGMA user_version, as Sluice always did. */
export function migrateSqlite(db: Database.Database): MigrationReport {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const from = version();
  if (from > LATEST_VERSION) throw tooNew('sqlite', from);
  const applied: MigrationReport['applied'] = [];
  for (const m of ORDERED_MIGRATIONS) {
    db.transaction(() => {
      // Another process may have applied it between our read and the write lock.
      if (version() >= m.version) return;
      db.exec(m.sqlite);
      db.pragma(`user_version = ${m.version}`);
      applied.push({ version: m.version, name: m.name });
    }).immediate();
  }
  return { dialect: 'sqlite', from, to: version(), applied };
}

/** PostgreSQL records applied versions in sluice_migrations; every step is transactional DDL. */
export async function migratePostgres(client: pg.PoolClient): Promise<MigrationReport> {
  await client.query('SELECT pg_advisory_lock($1::bigint)', [PG_MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS sluice_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM sluice_migrations');
    const from = rows[0]?.v ?? 0;
    if (from > LATEST_VERSION) throw tooNew('postgres', from);
    const applied: MigrationReport['applied'] = [];
    for (const m of ORDERED_MIGRATIONS.filter((x) => x.version > from)) {
      await client.query('BEGIN');
      try {
        await client.query(m.postgres);
        await client.query('INSERT INTO sluice_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push({ version: m.version, name: m.name });
    }
    return { dialect: 'postgres', from, to: LATEST_VERSION, applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [PG_MIGRATION_LOCK]);
  }
}
