/**
 * One attempt: POST the stored body, signed now, to one endpoint, with a
 * timeout. Redirects are not followed (a 3xx is not a 2xx: retried).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signWebhookPayload, SIGNATURE_HEADER } from './signature.js';

export interface PostResult {
  /** The HTTP status, or null when no response came (refused, dropped, timed out). */
  status: number | null;
  /** Why it was not a 2xx, in a sentence; undefined on 2xx. */
  error?: string;
  ms: number;
}

export interface PostEvent {
  url: string;
  body: string;
  eventId: string;
  type: string;
  secret: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

function packageVersion(): string {
  // src/webhooks/ and dist/src/webhooks/ both sit under the package folder.
  for (const up of ['../../package.json', '../../../package.json']) {
    const file = fileURLToPath(new URL(up, import.meta.url));
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@sluice/server' && pkg.version) return pkg.version;
  }
  return '0';
}

export const USER_AGENT = `Sluice-Webhooks/${packageVersion()}`;

export async function postEvent(e: PostEvent): Promise<PostResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(e.timeoutMs);
  const signal = e.signal ? AbortSignal.any([e.signal, timeout]) : timeout;
  try {
    const res = await fetch(e.url, {
      method: 'POST', body: e.body, redirect: 'manual', signal,
      headers: {
        'content-type': 'application/json', 'user-agent': USER_AGENT,
        [SIGNATURE_HEADER]: signWebhookPayload(e.body, e.secret), 'Sluice-Event-Id': e.eventId, 'Sluice-Event-Type': e.type,
      },
    });
    // The body is not needed; reading it (bounded by the timeout) lets the connection be reused.
    await res.arrayBuffer().catch(() => undefined);
    const ms = performance.now() - started;
    return res.status >= 200 && res.status < 300 ? { status: res.status, ms } : { status: res.status, error: `answered HTTP ${res.status}`, ms };
  } catch (err) {
    const ms = performance.now() - started;
    if (timeout.aborted) return { status: null, error: `no response within ${e.timeoutMs} ms`, ms };
    if (e.signal?.aborted) return { status: null, error: 'cancelled: the dispatcher is shutting down', ms };
    return { status: null, error: describe(err), ms };
  }
}

/** fetch() says "fetch failed"; the cause says what (ECONNREFUSED, socket closed…). */
function describe(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const inner = cause instanceof Error ? `${'code' in cause && typeof cause.code === 'string' ? `${cause.code}: ` : ''}${cause.message}` : undefined;
  return `no response: ${inner ?? (err instanceof Error ? err.message : String(err))}`;
}
