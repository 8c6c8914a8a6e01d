import { startPostgres } from '../../../../test/support/postgres.mjs';
import { describeScaleOut } from './journey.js';
import { createDatabase } from './support.js';

describeScaleOut('PostgreSQL (BullMQ on PostgreSQL, LISTEN/NOTIFY, advisory locks)', 'postgres', async () => {
  const pg = await startPostgres();
  return { databaseUrl: () => createDatabase(pg, 'scale_pg'), stop: () => pg.stop() };
});
