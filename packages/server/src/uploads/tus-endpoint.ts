/**
 * tus 1.0 at /api/uploads (@tus/server + @tus/file-store), mounted in
 * Fastify with the body passed through untouched and the reply hijacked.
 * The tus upload id is the video id; the upload URL adds a capability
 * (`/api/uploads/<id>.<key>`, upload-capability.ts) checked with the owner
 * before tus runs (upload-access.ts). Creating an upload creates the video
 * record; finishing it queues processing (before the final response, so a
 * crash cannot lose the job). tus's answer is written by tus-transport.ts,
 * so CORS is configured here rather than in Fastify hooks.
 */
import { randomBytes } from 'node:crypto';
import { EVENTS, Server as TusServer, type DataStore, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mintToken } from '../auth/tokens.js';
import { SluiceError, errorBody, type ErrorCode } from '../errors.js';
import { hijack } from '../reply-hijack.js';
import type { Services } from '../services.js';
import { createTusDatastore } from '../storage/create-storage.js';
import { originalKey } from '../storage/media-keys.js';
import { checkUploadRequest, type UploadAccess } from './upload-access.js';
import { uploadSegment } from './upload-capability.js';
import { sluiceErrorForTus, type TusFailure } from './tus-errors.js';
import { serveTus, uploadContext } from './tus-transport.js';
import { createUploadSchema, terminateUploadSchema, uploadChunkSchema, uploadOffsetSchema, uploadOptionsSchema, uploadUrlOptionsSchema } from './upload-schemas.js';
import type { JsonSchema } from '../http/schemas.js';

export const UPLOAD_PATH = '/api/uploads';
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const METADATA_LIMITS: Record<string, number> = { filename: 255, filetype: 100, title: 200, name: 255, type: 100, relativePath: 1024 };
const MAX_METADATA_KEYS = 16;

function reject(code: ErrorCode, message?: string): { status_code: number; body: string } {
  const e = new SluiceError(code, message);
  return { status_code: e.statusCode, body: JSON.stringify(errorBody(e)) };
}

/** Refuses metadata a browser could not have meant: too many keys, long or control-character values. */
function checkMetadata(metadata: Record<string, string | null> | undefined): void {
  const entries = Object.entries(metadata ?? {});
  if (entries.length > MAX_METADATA_KEYS) throw reject('SLUICE_ERR_UPLOAD_METADATA_INVALID', `Upload-Metadata has ${entries.length} keys; at most ${MAX_METADATA_KEYS} are accepted.`);
  for (const [key, value] of entries) {
    const limit = METADATA_LIMITS[key] ?? 1024;
    if (value !== null && value.length > limit) throw reject('SLUICE_ERR_UPLOAD_METADATA_INVALID', `Upload-Metadata "${key}" is ${value.length} characters; at most ${limit} are accepted.`);
    // eslint-disable-next-line no-control-regex
    if (value !== null && /[\u0000-\u001f\u007f-\u009f]/.test(value)) throw reject('SLUICE_ERR_UPLOAD_METADATA_INVALID', `Upload-Metadata "${key}" contains control characters.`);
  }
}

/** The most bytes this request's token may store: SLUICE_MAX_UPLOAD, or less with a maxBytes claim (also when a deferred length arrives). */
function byteLimit(s: Services, req: Request): number {
  const maxBytes = uploadContext(req)?.claims?.maxBytes;
  return maxBytes === undefined ? s.config.maxUploadBytes : Math.min(maxBytes, s.config.maxUploadBytes);
}

export function createTusServer(s: Services, datastore: DataStore): TusServer {
  const { config, store } = s;
  const tus = new TusServer({
    path: UPLOAD_PATH,
    datastore,
    // Scale-out: a PATCH may land on any node, so the upload's lock lives in PostgreSQL or Redis.
    ...(s.locker ? { locker: s.locker } : {}),
    maxSize: (req) => byteLimit(s, req),
    respectForwardedHeaders: config.trustProxy.length > 0 || config.publicUrl !== undefined, // only ever what http/proxy-trust.ts let through
    // A resumed PATCH must not wait the default 3 s for a dead connection's lock.
    lockDrainTimeout: 300,
    allowedOrigins: config.corsOrigins.includes('*') ? undefined : config.corsOrigins,
    allowedHeaders: ['Authorization'],
    exposedHeaders: ['Sluice-Video-Id', 'Sluice-Video-Token', 'Upload-Expires'],
    // Bucket datastores (storage/tus-*.ts) place the object at uploads/<id> themselves.
    namingFunction: () => randomBytes(16).toString('hex'),
    generateUrl: (_req, { proto, host, path, id }) => `${proto}://${host}${path}/${uploadSegment(config.secret, id)}`,
    // upload-access.ts has checked the capability (and owner) and resolved the id.
    getFileIdFromRequest: (req) => uploadContext(req)?.uploadId,
    // A finished upload is the video's original: it goes with DELETE /api/videos/:id.
    disableTerminationForFinishedUploads: true,
    onUploadCreate: async (req, upload) => {
      checkMetadata(upload.metadata);
      const ctx = uploadContext(req);
      const { id } = upload;
      const meta = upload.metadata ?? {};
      const filename = meta.filename ?? meta.name ?? '';
      await store.createVideo({ id, status: 'uploading', title: meta.title || filename.replace(/\.[^.]+$/, '') || 'Untitled', filename, size: upload.size ?? null, owner: ctx?.claims?.sub ?? null, maxDuration: ctx?.claims?.maxDuration ?? null });
      ctx?.res.setHeader('Sluice-Video-Id', id);
      ctx?.res.setHeader('Sluice-Video-Token', mintToken(s.app, { aud: 'playback', sub: id, demo: ctx?.claims?.demo }, Math.max(config.mediaTtlSeconds, 24 * 3600)).token);
      return { metadata: upload.metadata };
    },
    onUploadFinish: async (_req, { id, size, offset }: Upload) => {
      if ((await store.getVideo(id))?.status === 'uploading') {
        await store.updateVideo(id, { size: size ?? offset });
        await s.queue.enqueue(id);
        s.metrics.uploadCompleted();
      }
      return {};
    },
    onResponseError: (req, err) => {
      // Our own rejections (hooks) are already in the JSON shape.
      if ('body' in err && typeof err.body === 'string' && err.body.startsWith('{')) return { status_code: err.status_code, body: err.body };
      let e = sluiceErrorForTus(err as TusFailure);
      if (e.code === 'SLUICE_ERR_UPLOAD_TOO_LARGE') {
        const limit = byteLimit(s, req);
        e = new SluiceError(e.code, limit < config.maxUploadBytes ? `This upload token allows at most ${limit} bytes.` : `The upload is larger than ${limit} bytes, the most this server accepts (SLUICE_MAX_UPLOAD).`);
      }
      if (e.statusCode >= 500) s.app.log.error({ err, code: e.code }, 'tus request failed');
      return { status_code: e.statusCode, body: JSON.stringify(errorBody(e)) };
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, id: string) => {
    void (async () => {
      if ((await store.getVideo(id))?.status === 'uploading') { await store.deleteVideo(id); s.events.changed(id); }
    })().catch((err: unknown) => s.app.log.warn({ err }, 'removing a terminated upload failed'));
  });
  return tus;
}

/** Removes abandoned uploads (tus expiration) and their video records. */
export async function cleanUpExpiredUploads(s: Services, tus: TusServer): Promise<number> {
  // Not every bucket store has tus's expiration extension (@tus/azure-store has not).
  const removed = tus.datastore.hasExtension('expiration') ? await tus.cleanUpExpiredUploads() : 0;
  // Records of uploads tus removed (or never got bytes). Only old ones: a bucket
  // store shows no object under the key until the multipart upload completes.
  const cutoff = Date.now() - s.config.uploadExpirySeconds * 1000;
  for (const v of await s.store.listVideosByStatus('uploading')) {
    if (Date.parse(v.createdAt) < cutoff && !(await s.media.storage.stat(originalKey(v.id)))) { await s.store.deleteVideo(v.id); s.events.changed(v.id); }
  }
  return removed;
}

export async function registerUploadRoutes(s: Services): Promise<void> {
  const tus = createTusServer(s, await createTusDatastore(s.config, s.layout.uploadsDir));
  // One node at a time sweeps (queue/exclusive.ts); the others skip that round.
  const sweep = (): Promise<unknown> => s.exclusive.run('expired-uploads', async () => { await cleanUpExpiredUploads(s, tus); });
  const timer = setInterval(() => { void sweep().catch((err: unknown) => s.app.log.warn({ err }, 'upload cleanup failed')); }, CLEANUP_INTERVAL_MS);
  timer.unref();
  s.app.addHook('onClose', async () => clearInterval(timer));
  s.app.addHook('onReady', async () => { await sweep().catch(() => undefined); });

  await s.app.register(async (scope: FastifyInstance) => {
    // tus reads the raw body itself: no Fastify parsing for any content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const handle = async (req: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply): Promise<void> => {
      let access: UploadAccess;
      try {
        access = await checkUploadRequest(s, req, req.params.id);
      } catch (err) {
        if (err instanceof SluiceError && err.code === 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED') void reply.header('tus-version', '1.0.0');
        s.metrics.uploadFailed(err instanceof SluiceError ? err.code : 'SLUICE_ERR_SERVER_INTERNAL');
        throw err;
      }
      const streaming = req.method === 'PATCH' || req.method === 'POST' ? s.metrics.uploadStarted() : undefined;
      // serveTus answers every outcome itself, errors included: nothing escapes the hijacked reply.
      try {
        s.metrics.uploadAnswered(await serveTus(tus, req.raw, { res: hijack(reply), ...access }, req.log));
      } finally {
        streaming?.();
      }
    };
    // One route per method, each with its own description (upload-schemas.ts); the handler is the same.
    // attachValidation: the schemas describe tus; tus itself judges the request and answers with tus statuses.
    const route = (method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'OPTIONS', url: string, schema: JsonSchema): void => {
      scope.route({ method, url, schema, attachValidation: true, handler: handle, ...(method === 'HEAD' ? { config: { swagger: { exposeHeadRoute: true } } } : {}) });
    };
    route('POST', UPLOAD_PATH, createUploadSchema);
    route('OPTIONS', UPLOAD_PATH, uploadOptionsSchema);
    // No GET: tus's GET would hand out originals (and crashed the process, see tus-transport.ts).
    route('HEAD', `${UPLOAD_PATH}/:id`, uploadOffsetSchema);
    route('PATCH', `${UPLOAD_PATH}/:id`, uploadChunkSchema);
    route('DELETE', `${UPLOAD_PATH}/:id`, terminateUploadSchema);
    route('OPTIONS', `${UPLOAD_PATH}/:id`, uploadUrlOptionsSchema);
  });
}
