/**
 * buildApp(options): the only place that wires the parts together.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { registerTokenRoutes } from './auth/token-routes.js';
import { registerCaptionRoutes } from './captions/caption-routes.js';
import { authenticate, registerJwt } from './auth/tokens.js';
import type { SluiceConfig } from './config.js';
import { createBucketSource } from './delivery/bucket-source.js';
import { createDiskSource } from './delivery/disk-source.js';
import { registerMediaRoute } from './delivery/media-route.js';
import type { MediaSource } from './delivery/media-source.js';
import { SluiceError, errorBody, isSluiceError } from './errors.js';
import { registerDemoHostGuard } from './http/demo-host-guard.js';
import { registerOpenApi } from './http/openapi.js';
import { adminJobsSchema, healthzSchema } from './http/ops-schemas.js';
import { registerResponseCheck } from './http/response-check.js';
import { redactUrl } from './http/log-redaction.js';
import { compileProxyTrust, registerForwardedHeaderGuard } from './http/proxy-trust.js';
import { Metrics } from './metrics/metrics.js';
import { registerMetricsRoutes } from './metrics/metrics-routes.js';
import type { Services } from './services.js';
import { createUrlSigner } from './signing/url-signer.js';
import { createStorage } from './storage/create-storage.js';
import { DiskCache } from './storage/disk-cache.js';
import { LocalLayout } from './storage/local-layout.js';
import { MediaStore } from './storage/media-store.js';
import { openRuntime } from './runtime.js';
import { Jobs } from './transcode/jobs.js';
import { scheduleReconciler } from './uploads/reconcile.js';
import { registerUploadRoutes } from './uploads/tus-endpoint.js';
import { redactUploadKeys } from './uploads/upload-capability.js';
import { registerPlaylistRoutes } from './videos/playlist-routes.js';
import { registerThumbnailRoutes } from './thumbnails/thumbnail-route.js';
import { Thumbnails } from './thumbnails/thumbnails.js';
import { registerVideoRoutes } from './videos/video-routes.js';
import { registerWebhookRoutes } from './webhooks/admin-routes.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface BuildAppOptions {
  config: SluiceConfig;
  logger?: FastifyServerOptions['logger'];
  /** Run transcode jobs in this process once the app is ready (default true; `sluice start` passes SLUICE_PROCESS_JOBS). */
  processJobs?: boolean;
  /** `api` (default): the HTTP API. `worker` (`sluice worker`): jobs only, with GET /healthz. */
  role?: 'api' | 'worker';
  /** Where the default logger writes (default stdout). */
  logStream?: NodeJS.WritableStream;
  /** Tests: check every response against its route's declared schema; a mismatch becomes a 500 (http/response-check.ts). */
  checkResponses?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance { sluice: Services }
}

/** Every header a browser must be allowed to read on cross-origin responses. */
const EXPOSED_HEADERS = ['Sluice-Video-Id', 'Sluice-Video-Token', 'Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag', 'Location', 'Upload-Offset', 'Upload-Length', 'Upload-Expires', 'Tus-Resumable', 'Tus-Version', 'Tus-Max-Size', 'Tus-Extension', 'Sluice-Thumbnail-Time', 'Sluice-Thumbnail-Width'];

export async function buildApp({ config, logger, processJobs = true, role = 'api', logStream, checkResponses = false }: BuildAppOptions): Promise<FastifyInstance> {
  if (!config.secret) throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'buildApp needs config.secret: call resolveSecret(config) first.');
  const trustPeer = compileProxyTrust(config.trustProxy);
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      ...(logStream ? { stream: logStream } : {}),
      // Tokens travel in ?token= and Authorization: never log them.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        // …and neither is the capability in an upload URL (/api/uploads/<id>.<key>).
        req: (req) => ({ method: req.method, url: redactUrl(redactUploadKeys(String(req.url))) }),
      },
    },
    // X-Forwarded-Host/-Proto only from SLUICE_TRUST_PROXY peers (http/proxy-trust.ts).
    trustProxy: config.trustProxy.length > 0 ? trustPeer : false,
    // Requests Fastify refuses before routing (a malformed %-escape in the URL…) get our JSON shape too.
    frameworkErrors: (err, _req, reply) => {
      (reply as FastifyReply).code(400).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
        .send(errorBody(new SluiceError('SLUICE_ERR_REQUEST_INVALID', err.message)));
    },
    // Route schemas validate requests without changing them (no coercion, defaults or removal)…
    ajv: { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allowUnionTypes: true } },
  });
  // …and never reshape a response (fast-json-stringify drops undeclared keys): they describe it (/api/openapi.json).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  if (checkResponses) registerResponseCheck(app);
  // Before anything else answers: every response, hijacked ones included (media,
  // SSE, tus write the raw response), tells browsers not to sniff the type.
  app.addHook('onRequest', async (_req, reply) => { reply.raw.setHeader('x-content-type-options', 'nosniff'); });
  registerForwardedHeaderGuard(app, trustPeer, config.publicUrl);
  registerDemoHostGuard(app, config);

  app.setErrorHandler((err, req, reply) => {
    const e = isSluiceError(err)
      ? err
      : err instanceof Error && 'validation' in err
        ? new SluiceError('SLUICE_ERR_REQUEST_INVALID', err.message)
        : err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500
          ? new SluiceError('SLUICE_ERR_REQUEST_INVALID', err.message)
          : new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: err });
    if (e.statusCode >= 500) req.log.error({ err, code: e.code }, e.message);
    reply.code(e.statusCode).header('cache-control', 'no-store').send(errorBody(e));
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(new SluiceError('SLUICE_ERR_REQUEST_NOT_FOUND')));
  });

  await registerJwt(app, config.secret, { acceptDemoTokens: config.demo });
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS', 'PUT'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }

  const metrics = new Metrics();
  const layout = new LocalLayout(config.dataDir);
  const runtime = await openRuntime(config, layout, app.log);
  const { store, events } = runtime;
  // Before any status write: every one of them adds its webhook events in its own transaction.
  const webhooks = new Webhooks({ config: config.webhooks, store, pubsub: runtime.pubsub, embedded: runtime.mode === 'embedded', log: app.log, onResult: (result, ms) => metrics.webhookDelivery(result, ms / 1000) });
  const storage = await createStorage(config);
  // Scale-out: processes may share a cache disk, so each has its own scratch folder (and removes only its own).
  const scratch = runtime.mode === 'embedded' ? config.cacheDir : join(config.cacheDir, 'nodes', randomBytes(8).toString('hex'));
  // Local disk or a bucket, chosen here once: buckets get originals through a disk cache (transcodes
  // are staged under it) and /media bytes by ranged reads; local disk gets its folders and the fd-cached source.
  let cache: DiskCache | undefined;
  let proxied: ReturnType<typeof createBucketSource> | undefined;
  // A factory: a worker serves no /media, so it opens no descriptor cache.
  let mediaSource: () => MediaSource;
  if (storage.kind === 'local') {
    mkdirSync(layout.mediaRoot, { recursive: true });
    mkdirSync(layout.uploadsDir, { recursive: true });
    mediaSource = () => createDiskSource({ mediaRoot: layout.mediaRoot, metrics });
  } else {
    cache = new DiskCache({ dir: join(scratch, 'originals'), maxBytes: config.cacheMaxBytes, maxAgeSeconds: config.cacheTtlSeconds });
    const bucket = createBucketSource(storage);
    proxied = bucket;
    mediaSource = () => bucket;
  }
  await cache?.open();
  if (cache) metrics.watchCache('originals', cache.stats.bind(cache));
  metrics.watchQueue(runtime.engine);
  const media = new MediaStore(storage, layout, cache, join(scratch, 'work'));
  const queue = new Jobs({ config, store, media, engine: runtime.engine, changed: (videoId) => events.changed(videoId), log: app.log, metrics });
  const signer = createUrlSigner({ mode: config.signing, secret: config.secret });
  const services: Services = { app, config, store, layout, media, signer, events, mode: runtime.mode, locker: runtime.locker, exclusive: runtime.exclusive, queue, metrics, webhooks };
  app.decorate('sluice', services);
  const closeAll = async (): Promise<void> => {
    await queue.stop();
    await webhooks.close();
    await cache?.close();
    if (scratch !== config.cacheDir) await rm(scratch, { recursive: true, force: true });
    await storage.close();
    await runtime.close();
  };

  // @fastify/swagger collects routes as they are added: on the API it comes before every route, /metrics included.
  if (role === 'api') await registerOpenApi(app, config);
  registerMetricsRoutes(app, config, metrics);

  if (role === 'worker') {
    app.get('/healthz', async () => ({ ok: true, role: 'worker', running: queue.runningHere }));
    scheduleReconciler(services);
    app.addHook('onReady', async () => { await queue.start(); await webhooks.start(); });
    app.addHook('onClose', closeAll);
    return app;
  }

  app.get('/healthz', { schema: healthzSchema }, async () => ({ ok: true }));
  scheduleReconciler(services);
  registerTokenRoutes(app, config);
  await registerUploadRoutes(services);
  registerVideoRoutes(services);
  registerPlaylistRoutes(services);
  registerCaptionRoutes(services);
  registerMediaRoute(app, { signer, source: mediaSource(), metrics });
  const thumbnails = new Thumbnails(config, storage, scratch);
  await thumbnails.open();
  app.addHook('onClose', async () => thumbnails.close());
  registerThumbnailRoutes(services, thumbnails);
  app.get('/api/admin/jobs', { schema: adminJobsSchema }, async (req) => {
    authenticate(app, req, { aud: [] });
    return { ...(await queue.status()), storage: { kind: storage.kind, delivery: config.delivery, ...(proxied ? { proxiedBytes: proxied.bytes } : {}) }, ...(cache ? { cache: cache.stats() } : {}), thumbnails: thumbnails.stats() };
  });

  if (config.demoDir && existsSync(config.demoDir)) {
    // wildcard: files are looked up per request, so a rebuilt demo needs no restart.
    await app.register(fastifyStatic, { root: config.demoDir, prefix: '/', wildcard: true, index: 'index.html' });
  }

  registerWebhookRoutes(services, { giveUpMs: webhooks.giveUpMs, wake: () => webhooks.wake() });
  if (processJobs) app.addHook('onReady', async () => { await queue.start(); await webhooks.start(); });
  app.addHook('onClose', closeAll);
  return app;
}
