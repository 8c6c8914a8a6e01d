import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { RedisPubSub } from '../../src/pubsub/pubsub-redis.js';
import type { PubSub } from '../../src/pubsub/pubsub.js';
import { describeQueueContract } from './contract.js';
import { startRedis } from '../../../../test/support/redis.mjs';

describeQueueContract('BullMQ on Redis', { crossProcess: true }, async () => {
  const redis = await startRedis();
  const buses: PubSub[] = [];
  const backend = { kind: 'redis' as const, url: redis.url };
  return {
    backend,
    open: async (o) => {
      const pubsub = await RedisPubSub.connect({ url: redis.url });
      buses.push(pubsub);
      return BullmqQueue.connect({ backend, pubsub, retryDelayMs: 100, ...o });
    },
    cleanup: async () => { await Promise.allSettled(buses.map((b) => b.close())); await redis.stop(); },
  };
});
