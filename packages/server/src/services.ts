/** The parts buildApp() wires together, handed to each route module. */
import type { FastifyInstance } from 'fastify';
import type { SluiceConfig } from './config.js';
import type { Repository } from './db/repository.js';
import type { UrlSigner } from './signing/url-signer.js';
import type { LocalLayout } from './storage/local-layout.js';
import type { MediaStore } from './storage/media-store.js';
import type { JobQueue } from './transcode/job-queue.js';
import type { VideoEvents } from './videos/video-events.js';

export interface Services {
  app: FastifyInstance;
  config: SluiceConfig;
  repo: Repository;
  layout: LocalLayout;
  media: MediaStore;
  signer: UrlSigner;
  events: VideoEvents;
  queue: JobQueue;
}
