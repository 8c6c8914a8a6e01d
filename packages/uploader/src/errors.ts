/**
 * Error codes `<chunked-uploader>` raises itself, before or around the
 * server. Server errors keep the server's own code (docs/errors.md); these
 * follow the same SLUICE_ERR_<AREA>_<WHAT> style and are documented in the
 * "Raised by <chunked-uploader>" table there. Codes are public API.
 */
export const CLIENT_ERRORS = {
  /** The file is larger than `max-size` (also the server's 413 code). */
  SLUICE_ERR_UPLOAD_TOO_LARGE: 'This file is too large.',
  /** The file's type or extension is not in `accept`. */
  SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED: 'This type of file is not accepted.',
  /** The browser is offline; the upload waits and continues when it is back. */
  SLUICE_ERR_UPLOAD_OFFLINE: 'You are offline. The upload will continue when the connection is back.',
  /** No progress for `stall-timeout` seconds: the request was aborted and is retried. */
  SLUICE_ERR_UPLOAD_STALLED: 'The upload stalled; retrying.',
  /** A request failed without an HTTP answer (server unreachable, connection reset). */
  SLUICE_ERR_UPLOAD_NETWORK: 'The server could not be reached.',
  /** The upload was cancelled (and terminated on the server). */
  SLUICE_ERR_UPLOAD_CANCELLED: 'The upload was cancelled.',
  /** Neither `token` nor `tokenProvider` gave a token, or `tokenProvider` threw. */
  SLUICE_ERR_UPLOAD_TOKEN_UNAVAILABLE: 'No upload token is available.',
  /** The server answered with an error that carried no Sluice code. */
  SLUICE_ERR_UPLOAD_REJECTED: 'The server refused the upload.',
  /** Anything else that stopped the upload in the browser (e.g. the file became unreadable). */
  SLUICE_ERR_UPLOAD_FAILED: 'The upload failed.',
  /** The processing status (Server-Sent Events) could not be followed. */
  SLUICE_ERR_UPLOAD_STATUS_LOST: 'The upload finished, but its processing status could not be followed.',
} as const;

/** A code raised by the element itself. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** The `upload-error` event's detail, and an item's `error`. */
export interface UploadErrorInfo {
  /** A stable SLUICE_ERR_* code: one of {@link CLIENT_ERRORS}, or the server's own. */
  code: string;
  /** A sentence a user can act on. */
  message: string;
  /** True when the element is already retrying or waiting; false when it gave up on the file. */
  retriable: boolean;
}

/** Builds an error from a client code, with an optional more precise message. */
export function clientError(code: ClientErrorCode, retriable: boolean, message?: string): UploadErrorInfo {
  return { code, message: message ?? CLIENT_ERRORS[code], retriable };
}

/**
 * Reads `{ error: { code, message } }` from a server response body. Returns
 * null when the body is not a Sluice error (e.g. plain text from a proxy).
 */
export function parseServerError(body: string): { code: string; message: string } | null {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null || !('error' in json)) return null;
    const error: unknown = json.error;
    if (typeof error !== 'object' || error === null) return null;
    const code = 'code' in error ? error.code : undefined;
    const message = 'message' in error ? error.message : undefined;
    if (typeof code !== 'string' || !code.startsWith('SLUICE_ERR_')) return null;
    return { code, message: typeof message === 'string' ? message : code };
  } catch {
    return null;
  }
}
