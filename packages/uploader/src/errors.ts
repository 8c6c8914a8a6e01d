/**
 * Errors of `<chunked-uploader>`. Its own codes, their meanings and default
 * messages are @sluice/protocol's `UPLOADER_ERRORS` (documented in
 * docs/errors.md, "Raised by `<chunked-uploader>`"); server errors keep the
 * server's code. Codes are public API.
 */
import type { ErrorInfo } from '@sluice/protocol';
import { UPLOADER_ERRORS, type UploaderErrorCode } from '@sluice/protocol/uploader-errors';

/** A code raised by the element itself (one of @sluice/protocol's `UPLOADER_ERRORS`). */
export type ClientErrorCode = UploaderErrorCode;

/** The `upload-error` event's detail, and an item's `error`. */
export interface UploadErrorInfo extends ErrorInfo {
  /** A stable SLUICE_ERR_* code: one of `UPLOADER_ERRORS`, or the server's own. */
  code: string;
  /** True when the element is already retrying or waiting; false when it gave up on the file. */
  retriable: boolean;
}

/** Builds an error from a client code, with an optional more precise message. */
export function clientError(code: ClientErrorCode, retriable: boolean, message?: string): UploadErrorInfo {
  return { code, message: message ?? UPLOADER_ERRORS[code].message, retriable };
}
