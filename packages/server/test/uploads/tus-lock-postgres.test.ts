import pg from 'pg';
import { PostgresPubSub } from '../../src/pubsub/pubsub-postgres.js';
import { PostgresLocker, advisoryKey } from '../../src/uploads/tus-lock-postgres.js';
import { startPostgres } from '../../../../test/support/postgres.mjs';
import { describeLockerContract } from './tus-lock-contract.js';

describeLockerContract('PostgreSQL advisory locks', true, async () => {
  const server = await startPostgres();
  const { Client } = pg;
  const close: Array<() => Promise<void>> = [];
  const node = async (acquireLockTimeout: number): Promise<PostgresLocker> => {
    const pubsub = await PostgresPubSub.connect({ connectionString: server.url });
    const locker = await PostgresLocker.create({ connectionString: server.url, pubsub, acquireLockTimeout });
    close.push(() => locker.close(), () => pubsub.close());
    return locker;
  };
  return {
    pair: async (t) => [await node(t), await node(t)],
    holderArgs: (id) => ['postgres', server.url, id],
    loseLock: async (id) => {
      const admin = new Client({ connectionString: server.url });
      await admin.connect();
      // The session holding this advisory lock (bigint keys: classid = high 32 bits, objid = low 32 bits).
      const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`, [advisoryKey(id)]);
      await admin.end();
      if (rowCount !== 1) throw new Error(`expected one session holding ${id}, found ${rowCount}`);
    },
    cleanup: async () => { for (const c of close) await c().catch(() => undefined); await server.stop(); },
  };
});
