/** A fresh, empty database on a test PostgreSQL server (test/support/postgres.mjs). */
import pg from 'pg';
import type { RunningPostgres } from '../../../../test/support/postgres.mjs';

/** Creates database `name` on the server and returns its URL. */
export async function createDatabase(server: RunningPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/[^/]+$/, `/${name}`);
}
