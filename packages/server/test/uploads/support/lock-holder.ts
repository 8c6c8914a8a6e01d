/**
 * A "node" in its own process that takes one tus lock and keeps it, for the
 * locker contract's dead-holder test. argv: <postgres|redis> <url> <id>.
 */
import { PostgresPubSub } from '../../../src/pubsub/pubsub-postgres.js';
import { RedisPubSub } from '../../../src/pubsub/pubsub-redis.js';
import { PostgresLocker } from '../../../src/uploads/tus-lock-postgres.js';
import { RedisLocker } from '../../../src/uploads/tus-lock-redis.js';

const [kind, url = '', id = ''] = process.argv.slice(2);
const locker = kind === 'redis'
  ? await RedisLocker.create({ url, pubsub: await RedisPubSub.connect({ url }), leaseMs: 1000 })
  : await PostgresLocker.create({ connectionString: url, pubsub: await PostgresPubSub.connect({ connectionString: url }) });
await locker.newLock(id).lock(new AbortController().signal, () => undefined); // never lets go
process.stdout.write('locked\n');
setInterval(() => undefined, 60_000);
