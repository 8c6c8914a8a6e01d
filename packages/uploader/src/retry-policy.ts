/**
 * When and how soon a failed upload request is tried again.
 */
import type { HttpResponse } from 'tus-js-client';
import { readErrorBody } from '@sluice/protocol/error-body';
import { clientError, type UploadErrorInfo } from './errors.js';

/** First retry delay, in ms; each further attempt doubles it. */
export const BACKOFF_BASE_MS = 500;
/** Longest wait between two attempts, in ms. */
export const BACKOFF_MAX_MS = 30_000;

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half is
 * random, so many clients that failed together (a server restart) do not come
 * back together, and no client retries immediately in a tight loop.
 * `attempt` counts from 0.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Whether an HTTP status is worth retrying. tus 1.0: 409 means the offsets
 * disagree (a HEAD finds the right one) and 423 that the upload is locked
 * for a moment; 408/429/5xx are transient by definition. Other 4xx will not
 * change by asking again. 0 means no answer at all (network).
 */
export function isRetriableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 409 || status === 423 || status === 429 || status >= 500;
}

/**
 * What a tus-js-client error means: the HTTP status (0 without an answer)
 * and the error to report, `retriable` when trying again may help. A server
 * error keeps the server's code.
 */
export function classifyFailure(err: Error): { status: number; info: UploadErrorInfo } {
  const res = 'originalResponse' in err ? (err.originalResponse as HttpResponse | null) : null;
  if (res) {
    const status = res.getStatus();
    const retriable = isRetriableStatus(status);
    const server = readErrorBody(res.getBody() ?? '');
    return { status, info: server ? { ...server, retriable } : clientError('SLUICE_ERR_UPLOAD_REJECTED', retriable, `The server refused the upload (HTTP ${status}).`) };
  }
  if ('originalRequest' in err && err.originalRequest) return { status: 0, info: clientError('SLUICE_ERR_UPLOAD_NETWORK', true) };
  return { status: 0, info: clientError('SLUICE_ERR_UPLOAD_FAILED', false, `The upload failed: ${err.message}`) };
}
