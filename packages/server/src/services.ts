/** The parts buildApp() wires together, handed to each route module. */
import type { Locker } from '@tus/server';
import type { FastifyInstance } from 'fastify';
import type { SluiceConfig } from './config.js';
import type { Store } from './db/store.js';
import type { UrlSigner } from './signing/url-signer.js';
import type { Metrics } from './metrics/metrics.js';
import type { LocalLayout } from './storage/local-layout.js';
import type { MediaStore } from './storage/media-store.js';
import type { Jobs } from './transcode/jobs.js';
import type { Exclusive } from './queue/exclusive.js';
import type { RuntimeMode } from './runtime.js';
import type { VideoEventBus } from './videos/video-events.js';
import type { Webhooks } from './webhooks/webhooks.js';

export interface Services {
  app: FastifyInstance;
  config: SluiceConfig;
  store: Store;
  layout: LocalLayout;
  media: MediaStore;
  signer: UrlSigner;
  events: VideoEventBus;
  /** embedded, or scale-out on postgres / redis (runtime.ts). */
  mode: RuntimeMode;
  /** tus upload locks across nodes (scale-out); undefined: tus's MemoryLocker. */
  locker?: Locker;
  /** Chores that run on one node at a time. */
  exclusive: Exclusive;
  queue: Jobs;
  /** Prometheus metrics of this app (metrics/metrics.ts). */
  metrics: Metrics;
  /** The webhook outbox policy and, in processes that run jobs, its dispatcher. */
  webhooks: Webhooks;
}
