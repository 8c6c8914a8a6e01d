/**
 * The engines behind one process, chosen by configuration:
 * - embedded (default): the SQLite file in the data dir, the durable
 *   in-process queue on its jobs table, in-process status events, tus's
 *   MemoryLocker, chores run here;
 * - scale-out (SLUICE_DATABASE_URL=postgres://…): PostgreSQL metadata, BullMQ
 *   on PostgreSQL, events over LISTEN/NOTIFY, tus locks and chores on
 *   advisory locks — or, with SLUICE_REDIS_URL, BullMQ, events, tus locks and
 *   chores on Redis (metadata stays in PostgreSQL).
 */
import type { Locker } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { SluiceConfig } from './config.js';
import { openPgPool } from './db/engines.js';
import { Store } from './db/store.js';
import { PostgresPubSub } from './pubsub/pubsub-postgres.js';
import { RedisPubSub } from './pubsub/pubsub-redis.js';
import type { PubSub } from './pubsub/pubsub.js';
import { BullmqQueue } from './queue/bullmq-queue.js';
import { LocalExclusive, PostgresExclusive, RedisExclusive, type Exclusive } from './queue/exclusive.js';
import type { QueueEngine } from './queue/queue-engine.js';
import { StoreQueue } from './queue/store-queue.js';
import type { LocalLayout } from './storage/local-layout.js';
import { PostgresLocker } from './uploads/tus-lock-postgres.js';
import { RedisLocker } from './uploads/tus-lock-redis.js';
import { ClusterVideoEvents } from './videos/video-events-cluster.js';
import { VideoEvents, type VideoEventBus } from './videos/video-events.js';

export type RuntimeMode = 'embedded' | 'postgres' | 'redis';

export interface Runtime {
  mode: RuntimeMode;
  store: Store;
  events: VideoEventBus;
  engine: QueueEngine;
  /** tus upload locks across nodes; undefined: tus's in-process MemoryLocker. */
  locker?: Locker;
  exclusive: Exclusive;
  /** Cross-node messages (scale-out only). */
  pubsub?: PubSub;
  /** Closes what the engine (closed by the job facade) does not. */
  close(): Promise<void>;
}

/** Status changes reach SSE clients on other nodes at once; this re-read covers a lost message. */
const EVENTS_SAFETY_MS = 5000;

export async function openRuntime(config: SluiceConfig, layout: LocalLayout, log: FastifyBaseLogger): Promise<Runtime> {
  if (!config.databaseUrl) {
    const store = await Store.open(layout.dbFile);
    const events = new VideoEvents();
    const engine = new StoreQueue({
      store,
      onRequeued: (videoId) => {
        void store.updateVideo(videoId, { status: 'queued', progress: 0, playable: false }).then(() => events.changed(videoId), () => undefined);
      },
      onError: (err) => log.warn({ err }, 'job queue: store error'),
    });
    return { mode: 'embedded', store, events, engine, exclusive: new LocalExclusive(), close: () => store.close() };
  }

  const url = config.databaseUrl;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'closing a scale-out engine failed'));
  };
  try {
    const onError = (err: unknown): void => log.warn({ err }, 'scale-out connection error');
    const store = await Store.open(url, { onIdleError: onError });
    closers.push(() => store.close());
    const redisUrl = config.redisUrl;
    let pubsub: PubSub;
    let exclusive: Exclusive;
    let locker: Locker & { close(): Promise<void> };
    let engine: QueueEngine;
    if (redisUrl) {
      pubsub = await RedisPubSub.connect({ url: redisUrl, onError });
      closers.push(() => pubsub.close());
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
      redis.on('error', onError);
      closers.push(() => redis.quit());
      exclusive = new RedisExclusive(redis);
      locker = await RedisLocker.create({ url: redisUrl, pubsub });
      closers.push(() => locker.close());
      engine = await BullmqQueue.connect({ backend: { kind: 'redis', url: redisUrl }, pubsub });
    } else {
      pubsub = await PostgresPubSub.connect({ connectionString: url, onError });
      closers.push(() => pubsub.close());
      const pool = openPgPool(url, { max: 2, onIdleError: onError });
      closers.push(() => pool.end());
      exclusive = new PostgresExclusive(pool);
      locker = await PostgresLocker.create({ connectionString: url, pubsub });
      closers.push(() => locker.close());
      engine = await BullmqQueue.connect({ backend: { kind: 'postgres', url }, pubsub });
    }
    const events = await ClusterVideoEvents.connect({ pubsub, safetyIntervalMs: EVENTS_SAFETY_MS, onError });
    closers.push(async () => events.close());
    return { mode: redisUrl ? 'redis' : 'postgres', store, events, engine, locker, exclusive, pubsub, close };
  } catch (err) {
    await close();
    throw err;
  }
}
