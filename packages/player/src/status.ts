/**
 * The server's video status document (DESIGN.md) and how the player follows
 * it: one GET, then Server-Sent Events until `ready` or `failed`.
 */
import type { Rendition, StatusDocument } from '@sluice/protocol';
import { PlayerError, PlayerErrors } from './events.js';

/** GET /api/videos/:id — the status document, as @sluice/protocol defines it for every package. */
export type VideoStatus = StatusDocument;
export type { Rendition };

/** `url` with `?token=` set (EventSource and `<video>` cannot send headers). */
export function tokenUrl(url: string, token: string | undefined): string {
  if (!token) return url;
  const u = new URL(url, document.baseURI);
  u.searchParams.set('token', token);
  return u.href;
}

function isStatus(v: unknown): v is VideoStatus {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string'
    && typeof (v as { status?: unknown }).status === 'string';
}

/** Fetches the status document; a PlayerError carries the HTTP status and the server's code. */
export async function fetchStatus(url: string, token: string | undefined, signal?: AbortSignal): Promise<VideoStatus> {
  let res: Response;
  try {
    res = await fetch(tokenUrl(url, token), { cache: 'no-store', signal, headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new PlayerError(PlayerErrors.NETWORK, `Could not reach ${url}`, { cause });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new PlayerError(err?.code ?? PlayerErrors.SOURCE, err?.message ?? `GET ${url} answered ${res.status}`, { status: res.status });
  }
  if (!isStatus(body)) throw new PlayerError(PlayerErrors.SOURCE, `${url} did not answer a Sluice status document`);
  return body;
}

/**
 * Follows GET <status url>/events (SSE `status` events) and calls `onStatus`
 * with each document; returns a function that stops following.
 */
export function followStatus(url: string, token: string | undefined, onStatus: (s: VideoStatus) => void, onGone: () => void): () => void {
  const u = new URL(url, document.baseURI);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/events`;
  const source = new EventSource(tokenUrl(u.href, token));
  source.addEventListener('status', (e) => {
    try {
      const doc: unknown = JSON.parse((e as MessageEvent<string>).data);
      if (isStatus(doc)) onStatus(doc);
    } catch { /* a malformed event: wait for the next one */ }
  });
  // The stream ends after ready/failed; EventSource would reconnect forever.
  source.addEventListener('error', () => { if (source.readyState === EventSource.CLOSED) onGone(); else { source.close(); onGone(); } });
  return () => source.close();
}
