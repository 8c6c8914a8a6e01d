/**
 * tus 1.0 at /api/uploads (@tus/server + @tus/file-store), mounted in
 * Fastify with the body passed through untouched and the reply hijacked.
 * The tus upload id is the video id: creating an upload creates the video
 * record; finishing it queues processing (before the final response, so a
 * crash cannot lose the job). tus writes the raw response, so CORS and
 * error bodies are configured here rather than in Fastify hooks.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EVENTS, Server as TusServer, type DataStore, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, mintToken } from '../auth/tokens.js';
import { SluiceError, errorBody, type ErrorCode } from '../errors.js';
import type { Services } from '../services.js';
import { createTusDatastore } from '../storage/create-storage.js';
import { originalKey } from '../storage/media-store.js';
import { uploadMaxDuration } from './upload-claims.js';

export const UPLOAD_PATH = '/api/uploads';
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const METADATA_LIMITS: Record<string, number> = { filename: 255, filetype: 100, title: 200, name: 255, type: 100, relativePath: 1024 };
const MAX_METADATA_KEYS = 16;

type TusRequest = Parameters<NonNullable<ConstructorParameters<typeof TusServer>[0]['onUploadCreate']>>[0];
const nodeRes = (req: TusRequest): ServerResponse | undefined => (req as unknown as { runtime?: { node?: { res?: ServerResponse } } }).runtime?.node?.res;

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
    if (value !== null && /[\u0000-\u001f\u007f]/.test(value)) throw reject('SLUICE_ERR_UPLOAD_METADATA_INVALID', `Upload-Metadata "${key}" contains control characters.`);
  }
}

export function createTusServer(s: Services, datastore: DataStore): TusServer {
  const { config, repo } = s;
  const tus = new TusServer({
    path: UPLOAD_PATH,
    datastore,
    maxSize: config.maxUploadBytes,
    respectForwardedHeaders: true,
    // A resumed PATCH must not wait the default 3 s for a dead connection's lock.
    lockDrainTimeout: 300,
    allowedOrigins: config.corsOrigins.includes('*') ? undefined : config.corsOrigins,
    allowedHeaders: ['Authorization'],
    exposedHeaders: ['Sluice-Video-Id', 'Sluice-Video-Token', 'Upload-Expires'],
    // Bucket datastores (storage/tus-*.ts) place the object at uploads/<id> themselves.
    namingFunction: () => randomBytes(16).toString('hex'),
    onUploadCreate: async (req, upload) => {
      checkMetadata(upload.metadata);
      const { id } = upload;
      const meta = upload.metadata ?? {};
      const filename = meta.filename ?? meta.name ?? '';
      repo.createVideo({ id, status: 'uploading', title: meta.title || filename.replace(/\.[^.]+$/, '') || 'Untitled', filename, size: upload.size ?? null, maxDuration: uploadMaxDuration(s.app, req) });
      const res = nodeRes(req);
      if (res) {
        res.setHeader('Sluice-Video-Id', id);
        res.setHeader('Sluice-Video-Token', mintToken(s.app, { aud: 'playback', sub: id }, Math.max(config.mediaTtlSeconds, 24 * 3600)).token);
      }
      return { metadata: upload.metadata };
    },
    onUploadFinish: async (_req, { id, size, offset }: Upload) => {
      if (repo.getVideo(id)?.status === 'uploading') {
        repo.updateVideo(id, { size: size ?? offset });
        s.queue.enqueue(id);
      }
      return {};
    },
    onResponseError: (req, err) => {
      const status = 'status_code' in err ? err.status_code : 500;
      const cause = (err as { code?: string }).code;
      let mapped: { status_code: number; body: string } | undefined;
      if (cause === 'ENOSPC') mapped = reject('SLUICE_ERR_UPLOAD_DISK_FULL');
      else if (status === 413) mapped = reject('SLUICE_ERR_UPLOAD_TOO_LARGE', `The upload is larger than ${config.maxUploadBytes} bytes, the most this server accepts (SLUICE_MAX_UPLOAD).`);
      else if ('body' in err && typeof err.body === 'string' && err.body.startsWith('{')) mapped = { status_code: status, body: err.body };
      if (mapped) nodeRes(req)?.setHeader('content-type', 'application/json; charset=utf-8');
      return mapped;
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, id: string) => {
    if (repo.getVideo(id)?.status === 'uploading') { repo.deleteVideo(id); s.events.changed(id); }
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
  for (const v of s.repo.listVideosByStatus('uploading')) {
    if (Date.parse(v.createdAt) < cutoff && !(await s.media.storage.stat(originalKey(v.id)))) { s.repo.deleteVideo(v.id); s.events.changed(v.id); }
  }
  return removed;
}

export async function registerUploadRoutes(s: Services): Promise<void> {
  const tus = createTusServer(s, await createTusDatastore(s.config, s.layout.uploadsDir));
  const timer = setInterval(() => { void cleanUpExpiredUploads(s, tus).catch((err: unknown) => s.app.log.warn({ err }, 'upload cleanup failed')); }, CLEANUP_INTERVAL_MS);
  timer.unref();
  s.app.addHook('onClose', async () => clearInterval(timer));
  s.app.addHook('onReady', async () => { await cleanUpExpiredUploads(s, tus).catch(() => undefined); });

  await s.app.register(async (scope: FastifyInstance) => {
    // tus reads the raw body itself: no Fastify parsing for any content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const handle = async (req: FastifyRequest, reply: { hijack(): void; raw: ServerResponse }): Promise<void> => {
      if (req.method !== 'OPTIONS') {
        const auth = authenticate(s.app, req, { aud: ['upload'] });
        const length = Number(req.headers['upload-length']);
        if (req.method === 'POST' && auth.claims.maxBytes !== undefined && length > auth.claims.maxBytes) {
          throw new SluiceError('SLUICE_ERR_UPLOAD_TOO_LARGE', `This upload token allows at most ${auth.claims.maxBytes} bytes.`);
        }
      }
      reply.hijack();
      await tus.handle(req.raw, reply.raw);
    };
    scope.route({ method: ['POST', 'OPTIONS'], url: UPLOAD_PATH, handler: handle });
    scope.route({ method: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS', 'GET'], url: `${UPLOAD_PATH}/:id`, handler: handle });
  });
}
