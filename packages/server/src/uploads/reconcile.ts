/**
 * Catches what a crash between two steps left behind: an upload whose bytes
 * are all stored but whose node died before it queued the video (the video
 * stays `uploading`), and — with a queue engine outside the database — a
 * video whose job row was written but never reached the engine. Runs at
 * start and every RECONCILE_MS, on one node at a time (queue/exclusive.ts).
 */
import type { Services } from '../services.js';
import { originalKey } from '../storage/media-store.js';

export const RECONCILE_MS = 30_000;
/** A finished upload's own node queues it within moments; only older ones are the reconciler's. */
export const SETTLE_MS = 30_000;

export interface ReconcileReport {
  /** Videos left `uploading` with a complete original, now queued. */
  uploads: string[];
  /** Videos whose queued job the engine did not have, sent to it again. */
  resent: string[];
}

export async function reconcile(s: Services, now = Date.now()): Promise<ReconcileReport> {
  const uploads: string[] = [];
  for (const v of await s.store.listVideosByStatus('uploading')) {
    if (v.size === null) continue; // deferred length never declared: not complete by definition
    const info = await s.media.storage.stat(originalKey(v.id));
    if (!info || info.size !== v.size || now - info.lastModified.getTime() < SETTLE_MS) continue;
    if ((await s.store.getVideo(v.id))?.status !== 'uploading') continue;
    await s.queue.enqueue(v.id);
    uploads.push(v.id);
  }
  const resent = await s.queue.resendLost(now - SETTLE_MS);
  return { uploads, resent };
}

/** Runs the reconciler now and every RECONCILE_MS while the app is up. */
export function scheduleReconciler(s: Services): void {
  const round = (): Promise<unknown> => s.exclusive.run('reconcile', async () => {
    const r = await reconcile(s);
    if (r.uploads.length + r.resent.length > 0) s.app.log.warn(r, 'reconciler queued videos a crash had left behind');
  }).catch((err: unknown) => s.app.log.warn({ err }, 'reconciler failed'));
  const timer = setInterval(() => void round(), RECONCILE_MS);
  timer.unref();
  s.app.addHook('onReady', async () => { await round(); });
  s.app.addHook('onClose', async () => clearInterval(timer));
}
