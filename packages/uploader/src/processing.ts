/**
 * Follows a video's processing on the server after its upload finished:
 * `GET /api/videos/:id/events?token=…` (Server-Sent Events, one `status`
 * event with the status document per change, ending after ready/failed).
 * EventSource reconnects by itself when the connection drops (a server
 * restart); when the server refuses the stream, the status document is read
 * once to tell "already finished" from a real error.
 */
import { readErrorBody } from '@sluice/protocol/error-body';
import { isStatusDocument, type StatusDocument as VideoStatus } from '@sluice/protocol/status-document';
import { clientError, type UploadErrorInfo } from './errors.js';

export interface StatusHandlers {
  /** Every status document, in order, including the final ready/failed one. */
  onStatus(status: VideoStatus): void;
  /** The status can no longer be followed. */
  onLost(error: UploadErrorInfo): void;
}

const asStatus = (value: unknown): VideoStatus | null => (isStatusDocument(value) ? value : null);

const terminal = (s: VideoStatus): boolean => s.status === 'ready' || s.status === 'failed';

/** The status document URL of `videoId`, next to the tus upload URL (`…/api/uploads/<id>.<key>` → `…/api/videos/<id>`). */
export function statusUrl(uploadUrl: string, videoId: string): string {
  return new URL(`../videos/${encodeURIComponent(videoId)}`, uploadUrl).href;
}

/** Starts following; returns a function that stops. */
export function followStatus(url: string, token: string | undefined, handlers: StatusHandlers): () => void {
  const withToken = (u: string): string => (token ? `${u}?token=${encodeURIComponent(token)}` : u);
  let stopped = false;
  const source = new EventSource(withToken(`${url}/events`));
  const stop = (): void => { stopped = true; source.close(); };

  source.addEventListener('status', (event) => {
    const status = asStatus(JSON.parse((event as MessageEvent<string>).data));
    if (!status || stopped) return;
    if (terminal(status)) stop();
    handlers.onStatus(status);
  });
  source.addEventListener('error', () => {
    // CONNECTING: EventSource is already reconnecting on its own. CLOSED: the
    // server answered with an error status or not an event stream.
    if (stopped || source.readyState !== EventSource.CLOSED) return;
    stop();
    void fetch(withToken(url)).then(async (res) => {
      const body = await res.text();
      const status = res.ok ? asStatus(JSON.parse(body)) : null;
      if (status) handlers.onStatus(status);
      if (status && terminal(status)) return;
      const server = readErrorBody(body);
      handlers.onLost(server ? { ...server, retriable: false } : clientError('SLUICE_ERR_UPLOAD_STATUS_LOST', false));
    }).catch(() => handlers.onLost(clientError('SLUICE_ERR_UPLOAD_STATUS_LOST', false)));
  });
  return stop;
}
