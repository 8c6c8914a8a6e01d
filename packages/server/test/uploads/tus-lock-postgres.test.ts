import { PostgresPubSub } from '../../src/pubsub/pubsub-postgres.js';
import { PostgresLocker } from '../../src/uploads/tus-lock-postgres.js';
import { startPostgres } from '../../../../test/support/postgres.mjs';
import { describeLockerContract } from './tus-lock-contract.js';

describeLockerContract('PostgreSQL advisory locks', true, async () => {
  const pg = await startPostgres();
  const close: Array<() => Promise<void>> = [];
  const node = async (acquireLockTimeout: number): Promise<PostgresLocker> => {
    const pubsub = await PostgresPubSub.connect({ connectionString: pg.url });
    const locker = await PostgresLocker.create({ connectionString: pg.url, pubsub, acquireLockTimeout });
    close.push(() => locker.close(), () => pubsub.close());
    return locker;
  };
  return {
    pair: async (t) => [await node(t), await node(t)],
    holderArgs: (id) => ['postgres', pg.url, id],
    cleanup: async () => { for (const c of close) await c().catch(() => undefined); await pg.stop(); },
  };
});
