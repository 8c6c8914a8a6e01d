import { RedisPubSub } from '../../src/pubsub/pubsub-redis.js';
import { RedisLocker } from '../../src/uploads/tus-lock-redis.js';
import { redisCommand, startRedis } from '../../../../test/support/redis.mjs';
import { describeLockerContract } from './tus-lock-contract.js';

describeLockerContract('Redis SET NX PX', true, async () => {
  const redis = await startRedis();
  const close: Array<() => Promise<void>> = [];
  const node = async (acquireLockTimeout: number): Promise<RedisLocker> => {
    const pubsub = await RedisPubSub.connect({ url: redis.url });
    const locker = await RedisLocker.create({ url: redis.url, pubsub, acquireLockTimeout, leaseMs: 1500 });
    close.push(() => locker.close(), () => pubsub.close());
    return locker;
  };
  return {
    pair: async (t) => [await node(t), await node(t)],
    holderArgs: (id) => ['redis', redis.url, id],
    loseLock: async (id) => {
      const reply = await redisCommand(redis.port, `DEL sluice:tus-lock:${id}`);
      if (reply !== ':1') throw new Error(`expected to delete one lock key, Redis said ${JSON.stringify(reply)}`);
    },
    cleanup: async () => { for (const c of close) await c().catch(() => undefined); await redis.stop(); },
  };
});
