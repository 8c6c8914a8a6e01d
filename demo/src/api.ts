/**
 * The demo's only backend: the Sluice server itself. In demo mode
 * (SLUICE_DEMO) `POST /api/tokens` is open, so the page mints its own tokens —
 * the job a real site's backend does with the secret (docs/tokens.md).
 */
import { readErrorBody, type CaptionTrack, type Rendition, type StatusDocument } from '@sluice/protocol';

export type Audience = 'upload' | 'playback' | 'admin';

/** GET /api/videos/:id — the status document, one definition for every package (@sluice/protocol). */
export type VideoDoc = StatusDocument;
export type { CaptionTrack, Rendition };

export interface TokenRequest { aud: Audience; sub?: string; ttl?: string | number; mediaTtl?: number }
interface Minted { token: string; expiresAt: string }

/** A failed API call, with the server's SLUICE_ERR_* code when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server's origin: the demo is served by the server it talks to. */
export const serverOrigin = (): string => window.location.origin;

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${serverOrigin()}${path}`, { cache: 'no-store', ...init });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The Sluice server cannot be reached. Is `pnpm start` still running?');
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = readErrorBody(body);
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `${path} answered ${res.status}`);
  }
  return body as T;
}

/** POST /api/tokens (open in demo mode). */
export async function mintToken(req: TokenRequest): Promise<string> {
  const minted = await call<Minted>('/api/tokens', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req),
  });
  return minted.token;
}

// Tokens reused until a minute before they expire (minted for one hour).
const cache = new Map<string, { token: string; until: number }>();

/** A cached token for `req`; `fresh` mints a new one (after the server rejected the cached one). */
export async function token(req: TokenRequest, fresh = false): Promise<string> {
  const key = JSON.stringify(req);
  const hit = cache.get(key);
  if (hit && hit.until > Date.now() && !fresh) return hit.token;
  const minted = await mintToken({ ttl: '1h', ...req });
  cache.set(key, { token: minted, until: Date.now() + 59 * 60_000 });
  return minted;
}

/**
 * `path` with a Bearer token for `req`. A 401 means the cached token died
 * (e.g. the server was restarted with a new secret): mint a fresh one, once.
 */
async function authorized<T>(req: TokenRequest, path: string, init: RequestInit = {}): Promise<T> {
  const send = async (fresh: boolean): Promise<T> =>
    call<T>(path, { ...init, headers: { ...init.headers as Record<string, string> | undefined, authorization: `Bearer ${await token(req, fresh)}` } });
  try {
    return await send(false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return send(true);
    throw e;
  }
}

/** GET /api/videos (admin): every video, newest first. */
export async function listVideos(): Promise<VideoDoc[]> {
  return (await authorized<{ videos: VideoDoc[] }>({ aud: 'admin' }, '/api/videos')).videos;
}

/** GET /api/videos/:id with a playback token for that video. */
export async function getVideo(id: string): Promise<VideoDoc> {
  return authorized<VideoDoc>({ aud: 'playback', sub: id }, `/api/videos/${encodeURIComponent(id)}`);
}

/** DELETE /api/videos/:id (admin). */
export async function deleteVideo(id: string): Promise<void> {
  await authorized<void>({ aud: 'admin' }, `/api/videos/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** POST /api/videos/:id/captions (admin, which demo mode may mint): `text` is WebVTT or SRT. */
export async function addCaption(id: string, body: { lang: string; label?: string; text: string }): Promise<CaptionTrack> {
  return authorized<CaptionTrack>({ aud: 'admin' }, `/api/videos/${encodeURIComponent(id)}/captions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

/** The URL the player and the embed snippet use as `src`. */
export const videoUrl = (id: string): string => `${serverOrigin()}/api/videos/${encodeURIComponent(id)}`;

/**
 * Follows GET /api/videos/:id/events (SSE) with a playback token; returns a
 * function that stops. `onEnd` runs when the stream ends (ready/failed/deleted).
 */
export function followVideo(id: string, playbackToken: string, onStatus: (doc: VideoDoc) => void, onEnd: () => void): () => void {
  const source = new EventSource(`${videoUrl(id)}/events?token=${encodeURIComponent(playbackToken)}`);
  source.addEventListener('status', (e) => {
    try { onStatus(JSON.parse((e as MessageEvent<string>).data) as VideoDoc); } catch { /* wait for the next event */ }
  });
  source.addEventListener('deleted', () => { source.close(); onEnd(); });
  // The server ends the stream after ready/failed; EventSource would reconnect forever.
  source.addEventListener('error', () => { source.close(); onEnd(); });
  return () => source.close();
}
