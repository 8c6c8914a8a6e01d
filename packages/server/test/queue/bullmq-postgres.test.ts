import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { PostgresPubSub } from '../../src/pubsub/pubsub-postgres.js';
import type { PubSub } from '../../src/pubsub/pubsub.js';
import { describeQueueContract } from './contract.js';
import { startPostgres } from '../../../../test/support/postgres.mjs';

describeQueueContract('BullMQ on PostgreSQL', { crossProcess: true }, async () => {
  const pg = await startPostgres();
  const buses: PubSub[] = [];
  const backend = { kind: 'postgres' as const, url: pg.url };
  return {
    backend,
    open: async (o) => {
      const pubsub = await PostgresPubSub.connect({ connectionString: pg.url });
      buses.push(pubsub);
      return BullmqQueue.connect({ backend, pubsub, retryDelayMs: 100, ...o });
    },
    cleanup: async () => { await Promise.allSettled(buses.map((b) => b.close())); await pg.stop(); },
  };
});
