// Shared by the uploader's browser tests: the real Sluice server started by
// the test runner, tokens, generated files and their hashes.
import { executeServerCommand } from '@web/test-runner-commands';
import { fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/index.js';
import type { ChunkedUploader } from '../src/index.js';

export interface Sluice { url: string; dataDir: string }

let sluice: Promise<Sluice> | undefined;
export function server(): Promise<Sluice> {
  sluice ??= fetch('/__sluice.json').then((r) => r.json() as Promise<Sluice>);
  return sluice;
}

export async function uploadToken(): Promise<string> {
  const { url } = await server();
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'upload', ttl: '1h' }) });
  if (!res.ok) throw new Error(`POST /api/tokens answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

let clip: Promise<ArrayBuffer> | undefined;
/** tiny-2s.mp4 (320x240, 2 s): a real video the server transcodes in seconds. */
export function tinyClip(): Promise<ArrayBuffer> {
  clip ??= fetch('/__uploader/fixtures/tiny-2s.mp4').then((r) => { if (!r.ok) throw new Error('fixture missing'); return r.arrayBuffer(); });
  return clip;
}

let unique = 0;
/**
 * A File of about `bytes` bytes: the clip repeated (the server checks the
 * media only after the upload, and these tests only look at bytes), with a
 * name and mtime of its own so its resume fingerprint is new.
 */
export async function bigFile(bytes: number, name = 'big'): Promise<File> {
  const buf = await tinyClip();
  const parts = Array.from({ length: Math.ceil(bytes / buf.byteLength) }, () => buf);
  unique += 1;
  return new File(parts, `${name}-${Date.now()}-${unique}.mp4`, { type: 'video/mp4', lastModified: Date.now() + unique });
}

export async function clipFile(name = 'clip'): Promise<File> {
  unique += 1;
  return new File([await tinyClip()], `${name}-${Date.now()}-${unique}.mp4`, { type: 'video/mp4', lastModified: Date.now() + unique });
}

export async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** size + sha256 of <dataDir>/uploads/<videoId> on the server, or null. */
export function serverFile(videoId: string): Promise<{ size: number; sha256: string } | null> {
  return executeServerCommand('sluice-upload-file', { videoId });
}

/** tus HEAD: the server's status and offset for an upload URL. */
export async function head(uploadUrl: string, token: string): Promise<{ status: number; offset: number | null }> {
  const res = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` } });
  const offset = res.headers.get('Upload-Offset');
  return { status: res.status, offset: offset === null ? null : Number(offset) };
}

/**
 * Chrome DevTools network emulation for this page's requests to the Sluice
 * server: offline (navigator.onLine and online/offline events too), and an
 * upload speed cap in bytes/s (0 = none). Each call sets the whole state.
 */
export async function network(options: { offline?: boolean; uploadBps?: number }): Promise<boolean> {
  const { url } = await server();
  return executeServerCommand('uploader-network', { ...options, pattern: `${url}/*` });
}

export async function mount(attrs: { token: string; chunkSize?: string; extra?: Partial<ChunkedUploader> }): Promise<ChunkedUploader> {
  const { url } = await server();
  const el = await fixture<ChunkedUploader>(html`<chunked-uploader endpoint="${url}/api/uploads" token=${attrs.token}
    chunk-size=${attrs.chunkSize ?? '8MB'}></chunked-uploader>`);
  Object.assign(el, attrs.extra ?? {});
  await el.updateComplete;
  return el;
}

/** Resolves with the first `type` event whose detail passes `test`. */
export function nextEvent<T>(el: EventTarget, type: string, test: (detail: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const on = (e: Event): void => {
      const { detail } = e as CustomEvent<T>;
      if (test(detail)) { el.removeEventListener(type, on); resolve(detail); }
    };
    el.addEventListener(type, on);
  });
}

/** Collects every `type` event's detail. */
export function record<T>(el: EventTarget, type: string): T[] {
  const seen: T[] = [];
  el.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

export { executeServerCommand, fixture, html, oneEvent, waitUntil };
