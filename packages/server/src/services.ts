/** The parts buildApp() wires together, handed to each route module. */
import type { FastifyInstance } from 'fastify';
import type { SluiceConfig } from './config.js';
import type { Store } from './db/store.js';
import type { UrlSigner } from './signing/url-signer.js';
import type { LocalLayout } from './storage/local-layout.js';
import type { MediaStore } from './storage/media-store.js';
import type { Jobs } from './transcode/jobs.js';
import type { VideoEvents } from './videos/video-events.js';

export interface Services {
  app: FastifyInstance;
  config: SluiceConfig;
  store: Store;
  layout: LocalLayout;
  media: MediaStore;
  signer: UrlSigner;
  events: VideoEvents;
  queue: Jobs;
}
