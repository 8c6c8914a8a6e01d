/**
 * The cluster journey's clients: a tus-js-client upload whose PATCH bodies
 * are paced (so a PATCH is in flight long enough to kill the node carrying
 * it) and can be held halfway on request, and an SSE follower that
 * reconnects like EventSource when its API node goes away.
 */
import { Readable } from 'node:stream';
import { DefaultHttpStack, Upload, type HttpRequest, type HttpResponse, type HttpStack } from 'tus-js-client';
import type { StatusDocument } from '../../packages/protocol/src/status-document.js';

/** Holds one PATCH after half its body, until release() (the test kills its node meanwhile). */
export class PatchGate {
  #armed = false;
  #held: (() => void) | undefined;
  #onHeld: ((offset: number) => void) | undefined;
  /** The next PATCH whose Upload-Offset is > 0 stops halfway; resolves with that offset once it is stopped. */
  arm(): Promise<number> {
    this.#armed = true;
    return new Promise((resolve) => { this.#onHeld = resolve; });
  }
  /** Called by the paced body: returns a promise that ends the hold, or undefined to go on. */
  take(offset: number): Promise<void> | undefined {
    if (!this.#armed || offset === 0) return undefined;
    this.#armed = false;
    const p = new Promise<void>((resolve) => { this.#held = resolve; });
    this.#onHeld?.(offset);
    return p;
  }
  release(): void {
    this.#held?.();
    this.#held = undefined;
  }
}

const PIECE = 32 * 1024;

/** The body as a stream of 32 KiB pieces, `delayMs` apart, stopping at the middle if the gate says so. */
function pacedBody(body: Uint8Array, delayMs: number, hold: () => Promise<void> | undefined): Readable {
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < body.length; at += PIECE) {
      if (at >= body.length / 2 && at - PIECE < body.length / 2) await hold();
      yield body.subarray(at, Math.min(at + PIECE, body.length));
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

/** tus-js-client's own Node stack, with PATCH bodies paced and gated. */
export class PacedHttpStack implements HttpStack {
  readonly #inner = new DefaultHttpStack({});
  constructor(readonly delayMs: number, readonly gate?: PatchGate) {}
  getName(): string { return 'PacedHttpStack'; }
  createRequest(method: string, url: string): HttpRequest {
    const req = this.#inner.createRequest(method, url);
    const send = req.send.bind(req);
    req.send = (body?: unknown): Promise<HttpResponse> => {
      if (method !== 'PATCH' || !(body instanceof Uint8Array)) return send(body);
      const offset = Number(req.getHeader('Upload-Offset') ?? 0);
      return send(pacedBody(body, this.delayMs, () => this.gate?.take(offset)));
    };
    return req;
  }
}

export interface ClusterUpload {
  videoId: string;
  videoToken: string;
  url: string;
  /** Requests that failed and were retried by tus-js-client. */
  retries: string[];
}

export interface UploadOptions {
  chunkSize: number;
  delayMs: number;
  gate?: PatchGate;
  /** Called once the POST answered, with the id and the video token. */
  onCreated?(videoId: string, videoToken: string): void;
}

export function clusterUpload(endpoint: string, bytes: Buffer, name: string, token: string, o: UploadOptions): Promise<ClusterUpload> {
  return new Promise((resolve, reject) => {
    let videoId = '';
    let videoToken = '';
    const retries: string[] = [];
    const upload = new Upload(bytes, {
      endpoint,
      chunkSize: o.chunkSize,
      httpStack: new PacedHttpStack(o.delayMs, o.gate),
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: name, filetype: 'video/mp4' },
      // A dead node's tus lock may take a while to go (a Redis lease): keep trying.
      retryDelays: [200, 500, 1000, 1000, 2000, 2000, 3000, 3000, 5000, 5000],
      onShouldRetry: (err) => {
        // tus-js-client's own rule: a 4xx other than 409/423 is final.
        const status = err.originalResponse?.getStatus() ?? 0;
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
        retries.push(`${err.originalRequest?.getMethod() ?? '?'} → ${status || (err.causingError?.message ?? err.message)}`);
        return true;
      },
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'POST' && res.getStatus() === 201) {
          videoId = res.getHeader('Sluice-Video-Id') ?? '';
          videoToken = res.getHeader('Sluice-Video-Token') ?? '';
          o.onCreated?.(videoId, videoToken);
        }
      },
      onError: reject,
      onSuccess: () => resolve({ videoId, videoToken, url: upload.url ?? '', retries }),
    });
    upload.start();
  });
}

export interface FollowResult {
  final: StatusDocument;
  statuses: string[];
  /** Every event received: when (Date.now()), status and progress. */
  events: Array<{ at: number; status: string; progress: number }>;
  /** How many times the stream was opened (more than one: an API node went away under it). */
  connections: number;
}

/**
 * Follows GET /api/videos/:id/events through nginx until `ready` or
 * `failed`; reconnects after a dropped stream, as EventSource does.
 */
export async function followEvents(base: string, videoId: string, token: string, signal: AbortSignal): Promise<FollowResult> {
  const statuses: string[] = [];
  const events: FollowResult['events'] = [];
  let connections = 0;
  for (;;) {
    signal.throwIfAborted();
    connections++;
    try {
      const res = await fetch(`${base}/api/videos/${videoId}/events?token=${token}`, { signal });
      if (res.ok && res.body) {
        let buffer = '';
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(event)?.[1];
            if (!data) continue;
            const doc = JSON.parse(data) as StatusDocument;
            events.push({ at: Date.now(), status: doc.status, progress: doc.progress ?? 0 });
            if (statuses.at(-1) !== doc.status) statuses.push(doc.status);
            if (doc.status === 'ready' || doc.status === 'failed') {
              await reader.cancel();
              return { final: doc, statuses, events, connections };
            }
          }
        }
      } else await res.body?.cancel();
    } catch (e) {
      if (signal.aborted) throw e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
