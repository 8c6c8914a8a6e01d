import { startPostgres } from '../../../../test/support/postgres.mjs';
import { startRedis } from '../../../../test/support/redis.mjs';
import { describeScaleOut } from './journey.js';
import { createDatabase } from './support.js';

describeScaleOut('PostgreSQL + Redis (BullMQ, pub/sub and locks on Redis)', 'redis', async () => {
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  return {
    databaseUrl: () => createDatabase(pg, 'scale_redis'),
    redisUrl: () => Promise.resolve(redis.url),
    stop: async () => { await redis.stop(); await pg.stop(); },
  };
});
