/**
 * Where the metadata lives: a `postgres://` URL selects PostgreSQL (scale-out),
 * anything else is a SQLite file (the embedded default). Opening either engine
 * happens here, once, with the settings both the migrator and the store use.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';

export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };
export type Dialect = DatabaseTarget['dialect'];

export function parseDatabaseTarget(target: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(target)) return { dialect: 'postgres', url: target };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new Error(`Unsupported database URL scheme in "${target.replace(/\/\/[^@/]*@/, '//…@')}": use postgres://… or a SQLite file path.`);
  }
  return { dialect: 'sqlite', file: target };
}

/** WAL, NORMAL sync, 5 s busy wait (the settings SQLite files always had). */
export function openSqlite(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface PoolOptions {
  /** Connections per process (pg's default is 10). */
  max?: number;
  /** Errors of idle pooled connections (server restart, network): pg emits them on the pool, where an unhandled 'error' would crash the process. */
  onIdleError?: (error: Error) => void;
}

export function openPgPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'sluice' });
  pool.on('error', (e) => options.onIdleError?.(e));
  return pool;
}
