import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { startPostgres } from '../../../../test/support/postgres.mjs';
import { startRedis, type RunningRedis } from '../../../../test/support/redis.mjs';
import { RedisExclusive } from '../../src/queue/exclusive.js';
import { describeScaleOut } from './journey.js';
import { createDatabase } from './support.js';

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
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let started!: () => void;
    const running = new Promise<void>((r) => { started = r; });
    const first = n1!.run('sweep', async () => { started(); await held; });
    await running;
    let ranElsewhere = false;
    assert.equal(await n2!.run('sweep', async () => { ranElsewhere = true; }), false, 'node 2 skips while node 1 runs it');
    assert.equal(await n2!.run('other-chore', async () => undefined), true, 'another chore is not blocked');
    release();
    assert.equal(await first, true);
    assert.equal(ranElsewhere, false);
    assert.equal(await n2!.run('sweep', async () => { ranElsewhere = true; }), true);
    assert.equal(ranElsewhere, true);
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
  }
});
