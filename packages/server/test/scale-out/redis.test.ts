import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { startPostgres } from '../../../../test/support/postgres.mjs';
import { startRedis, type RunningRedis } from '../../../../test/support/redis.mjs';
import { RedisExclusive } from '../../src/queue/exclusive.js';
import { describeScaleOut } from './journey.js';
import { assertOneNodeAtATime, createDatabase } from './support.js';

let redis: RunningRedis | undefined;
const redisServer = async (): Promise<RunningRedis> => (redis ??= await startRedis());
after(async () => { await redis?.stop(); });

describeScaleOut('PostgreSQL + Redis (BullMQ, pub/sub and locks on Redis)', 'redis', async () => {
  const [pg, r] = await Promise.all([startPostgres(), redisServer()]);
  return {
    databaseUrl: () => createDatabase(pg, 'scale_redis'),
    redisUrl: () => Promise.resolve(r.url),
    stop: () => pg.stop(),
  };
});

test('a chore runs on one node at a time (Redis lease), and on another once it is done', async () => {
  const url = (await redisServer()).url;
  const clients = [new Redis(url), new Redis(url)];
  try {
    const [n1, n2] = clients.map((c) => new RedisExclusive(c));
    await assertOneNodeAtATime(n1!, n2!);
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
  }
});
