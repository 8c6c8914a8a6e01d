import pg from 'pg';
import { PostgresPubSub } from '../../src/pubsub/pubsub-postgres.js';
import { ClusterVideoEvents } from '../../src/videos/video-events-cluster.js';
import { connectPostgresVideoEvents } from '../../src/videos/video-events-postgres.js';
import { startPostgres } from '../../../../test/support/postgres.mjs';
import { describeClusterEvents } from './video-events-cluster.js';

describeClusterEvents('PostgreSQL LISTEN/NOTIFY', async () => {
  const server = await startPostgres();
  let first = true;
  return {
    node: async (safetyIntervalMs) => {
      if (first) { first = false; return connectPostgresVideoEvents(server.url, { safetyIntervalMs }); }
      const pubsub = await PostgresPubSub.connect({ connectionString: server.url, reconnectDelayMs: 100 });
      const events = await ClusterVideoEvents.connect({ pubsub, safetyIntervalMs });
      return { events, close: async () => { events.close(); await pubsub.close(); } };
    },
    dropListeners: async () => {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice-listen'`);
      await admin.end();
      if (!rowCount) throw new Error('no listening connection to drop');
    },
    cleanup: () => server.stop(),
  };
});
