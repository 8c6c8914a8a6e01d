/** Status changes across nodes over Redis pub/sub. */
import { RedisPubSub } from '../pubsub/pubsub-redis.js';
import { ClusterVideoEvents } from './video-events-cluster.js';

export async function connectRedisVideoEvents(url: string, options: { safetyIntervalMs?: number; onError?(err: unknown): void } = {}): Promise<{ events: ClusterVideoEvents; close(): Promise<void> }> {
  const pubsub = await RedisPubSub.connect({ url, ...(options.onError ? { onError: options.onError } : {}) });
  const events = await ClusterVideoEvents.connect({ pubsub, ...options });
  return { events, close: async () => { events.close(); await pubsub.close(); } };
}
