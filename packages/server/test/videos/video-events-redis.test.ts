import { RedisPubSub } from '../../src/pubsub/pubsub-redis.js';
import { ClusterVideoEvents } from '../../src/videos/video-events-cluster.js';
import { connectRedisVideoEvents } from '../../src/videos/video-events-redis.js';
import { redisCommand, startRedis } from '../../../../test/support/redis.mjs';
import { describeClusterEvents } from './video-events-cluster.js';

describeClusterEvents('Redis pub/sub', async () => {
  const server = await startRedis();
  let first = true;
  return {
    node: async (safetyIntervalMs) => {
      if (first) { first = false; return connectRedisVideoEvents(server.url, { safetyIntervalMs }); }
      const pubsub = await RedisPubSub.connect({ url: server.url });
      const events = await ClusterVideoEvents.connect({ pubsub, safetyIntervalMs });
      return { events, close: async () => { events.close(); await pubsub.close(); } };
    },
    dropListeners: async () => {
      const reply = await redisCommand(server.port, 'CLIENT KILL TYPE pubsub');
      if (!/^:[1-9]/.test(reply)) throw new Error(`no subscriber connection to drop (Redis said ${JSON.stringify(reply)})`);
    },
    cleanup: () => server.stop(),
  };
});
