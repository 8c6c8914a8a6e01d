/**
 * The server's error codes. The catalogue itself (code → HTTP status +
 * default message) lives in @sluice/protocol (`SERVER_ERRORS`), beside the
 * player's and the uploader's codes, so that clients and docs/errors.md read
 * the same list; every code is documented there (a test keeps them in sync).
 * Codes are public API: never rename one; add new ones.
 */
import { SERVER_ERRORS, type ErrorBody } from '@sluice/protocol';

export const ERRORS = SERVER_ERRORS;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code, an HTTP status, a message a user can act on, and its cause. */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'SluiceError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
  }
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isSluiceError(e: unknown): e is SluiceError {
  return e instanceof SluiceError;
}

/** JSON body for an error response: `{ error: { code, message } }`. */
export function errorBody(e: SluiceError): ErrorBody & { error: { code: ErrorCode; message: string } } {
  return { error: e.toJSON() };
}
