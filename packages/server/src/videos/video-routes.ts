/**
 * The JSON API over video records: status document, SSE status stream,
 * list, delete and reprocess (admin).
 */
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import { SluiceError } from '../errors.js';
import { hijack } from '../reply-hijack.js';
import type { VideoRecord } from '../db/store.js';
import type { Services } from '../services.js';
import { isVideoId } from '../storage/media-keys.js';
import { buildStatusDocument } from './status-document.js';
import { deleteVideoSchema, getVideoSchema, listVideosSchema, reprocessVideoSchema, videoEventsSchema } from './video-schemas.js';

const TERMINAL = new Set(['ready', 'failed']);
const HEARTBEAT_MS = 15_000;

export async function findVideo(s: Services, req: FastifyRequest): Promise<VideoRecord> {
  const { id } = req.params as { id: string };
  const video = isVideoId(id) ? await s.store.getVideo(id) : undefined;
  if (!video) throw new SluiceError('SLUICE_ERR_VIDEO_NOT_FOUND');
  return video;
}

export function registerVideoRoutes(s: Services): void {
  const { app } = s;

  app.get('/api/videos', { schema: listVideosSchema }, async (req) => {
    const auth = authenticate(app, req, { aud: [] });
    return { videos: await Promise.all((await s.store.listVideos()).map((v) => buildStatusDocument(s, req, auth, v))) };
  });

  app.get('/api/videos/:id', { schema: getVideoSchema }, async (req, reply) => {
    const auth = authenticate(app, req, { aud: ['playback'], videoId: (req.params as { id: string }).id });
    const video = await findVideo(s, req);
    reply.header('cache-control', 'no-store');
    return buildStatusDocument(s, req, auth, video);
  });

  app.delete('/api/videos/:id', { schema: deleteVideoSchema }, async (req, reply) => {
    authenticate(app, req, { aud: [] });
    const video = await findVideo(s, req);
    await s.queue.cancel(video.id);
    await s.store.deleteVideo(video.id);
    await s.media.deleteVideo(video.id);
    s.events.changed(video.id);
    reply.code(204).send();
  });

  app.post('/api/videos/:id/reprocess', { schema: reprocessVideoSchema }, async (req, reply) => {
    const auth = authenticate(app, req, { aud: [] });
    const video = await findVideo(s, req);
    if (video.status === 'uploading') throw new SluiceError('SLUICE_ERR_VIDEO_NOT_READY', 'The upload has not finished yet.');
    await s.queue.cancel(video.id);
    await s.queue.enqueue(video.id);
    reply.code(202);
    return buildStatusDocument(s, req, auth, (await s.store.getVideo(video.id))!);
  });

  // Server-Sent Events: `status` events with the status document until ready/failed.
  app.get('/api/videos/:id/events', { schema: videoEventsSchema }, async (req, reply) => {
    const auth = authenticate(app, req, { aud: ['playback'], videoId: (req.params as { id: string }).id });
    const video = await findVideo(s, req);
    const res = hijack(reply);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
    });
    let lastJson = '';
    let closed = false;
    // Sends run one at a time, so events leave in the order the changes happened.
    let chain = Promise.resolve();
    const send = (): void => {
      chain = chain.then(async () => {
        if (closed) return;
        const current = await s.store.getVideo(video.id);
        if (!current) { res.write(`event: deleted\ndata: {"id":"${video.id}"}\n\n`); close(); return; }
        const json = JSON.stringify(await buildStatusDocument(s, req, auth, current));
        if (closed) return;
        if (json !== lastJson) { lastJson = json; res.write(`event: status\ndata: ${json}\n\n`); }
        if (TERMINAL.has(current.status)) close();
      }).catch((err: unknown) => { req.log.warn({ err }, 'status event failed'); close(); });
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const unsubscribe = s.events.subscribe(video.id, send);
    const counted = s.metrics.sseOpened();
    const close = (): void => {
      if (closed) return;
      closed = true;
      counted();
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    req.raw.once('close', close);
    res.write('retry: 2000\n\n');
    send();
  });
}
