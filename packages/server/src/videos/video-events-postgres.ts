/** Status changes across nodes over PostgreSQL LISTEN/NOTIFY. */
import { PostgresPubSub } from '../pubsub/pubsub-postgres.js';
import { ClusterVideoEvents } from './video-events-cluster.js';

export async function connectPostgresVideoEvents(connectionString: string, options: { safetyIntervalMs?: number; onError?(err: unknown): void } = {}): Promise<{ events: ClusterVideoEvents; close(): Promise<void> }> {
  const pubsub = await PostgresPubSub.connect({ connectionString, ...(options.onError ? { onError: options.onError } : {}) });
  const events = await ClusterVideoEvents.connect({ pubsub, ...options });
  return { events, close: async () => { events.close(); await pubsub.close(); } };
}
