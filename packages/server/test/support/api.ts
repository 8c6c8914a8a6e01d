/** Small typed helpers over fetch for Sluice's JSON API in tests. */
import type { StatusDocument } from '../../src/videos/status-document.js';

export async function getStatus(url: string, id: string, token: string): Promise<StatusDocument> {
  const res = await fetch(`${url}/api/videos/${id}?token=${token}`);
  if (res.status !== 200) throw new Error(`GET /api/videos/${id} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as StatusDocument;
}

/** Polls the status document until the video is ready or failed. */
export async function waitSettled(url: string, id: string, token: string, ms = 180_000): Promise<StatusDocument> {
  const end = Date.now() + ms;
  for (;;) {
    const doc = await getStatus(url, id, token);
    if (doc.status === 'ready' || doc.status === 'failed') return doc;
    if (Date.now() > end) throw new Error(`video ${id} still ${doc.status} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** URIs (non-tag lines and URI="…" attributes) of a playlist, in order. */
export function playlistUris(text: string): string[] {
  const uris: string[] = [];
  for (const line of text.split('\n')) {
    const attr = /URI="([^"]+)"/.exec(line);
    if (attr) uris.push(attr[1]!);
    else if (line.trim() && !line.startsWith('#')) uris.push(line.trim());
  }
  return uris;
}
