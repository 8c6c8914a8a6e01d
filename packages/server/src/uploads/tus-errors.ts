/**
 * Every error @tus/server can answer (its ERRORS table, the plain-text early
 * answers of its request validation, and anything a datastore throws) as a
 * SluiceError, so tus clients get the same `{ error: { code, message } }`
 * shape as the rest of the API.
 */
import { ERRORS as TUS } from '@tus/server';
import { SluiceError, type ErrorCode } from '../errors.js';

/** What @tus/server throws or answers: its ERRORS objects, Errors with status_code/body, or a datastore's Error. */
export interface TusFailure { status_code?: number; body?: string; code?: string; message?: string }

const BY_BODY = new Map<string, ErrorCode>([
  [TUS.FILE_NOT_FOUND.body, 'SLUICE_ERR_UPLOAD_NOT_FOUND'],
  [TUS.FILE_NO_LONGER_EXISTS.body, 'SLUICE_ERR_UPLOAD_EXPIRED'],
  [TUS.INVALID_OFFSET.body, 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH'],
  [TUS.INVALID_CONTENT_TYPE.body, 'SLUICE_ERR_UPLOAD_CONTENT_TYPE'],
  [TUS.INVALID_METADATA.body, 'SLUICE_ERR_UPLOAD_METADATA_INVALID'],
  [TUS.INVALID_TERMINATION.body, 'SLUICE_ERR_UPLOAD_FINISHED'],
  [TUS.ERR_SIZE_EXCEEDED.body, 'SLUICE_ERR_UPLOAD_TOO_LARGE'],
  [TUS.ERR_MAX_SIZE_EXCEEDED.body, 'SLUICE_ERR_UPLOAD_TOO_LARGE'],
  ['Tus-Resumable Required\n', 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED'],
  ['Invalid upload-metadata\n', 'SLUICE_ERR_UPLOAD_METADATA_INVALID'],
]);

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'SLUICE_ERR_UPLOAD_INVALID', 403: 'SLUICE_ERR_UPLOAD_INVALID', 404: 'SLUICE_ERR_UPLOAD_NOT_FOUND',
  409: 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH', 410: 'SLUICE_ERR_UPLOAD_EXPIRED', 412: 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED',
  413: 'SLUICE_ERR_UPLOAD_TOO_LARGE', 415: 'SLUICE_ERR_UPLOAD_CONTENT_TYPE', 501: 'SLUICE_ERR_UPLOAD_UNSUPPORTED',
};

/** Messages that say more than the code's default, where tus's own text is useful. */
function message(code: ErrorCode, f: TusFailure): string | undefined {
  const body = f.body?.trim() ?? '';
  if (code === 'SLUICE_ERR_UPLOAD_INVALID') {
    const bad = /^Invalid (.+)$/.exec(body);
    if (bad) return `Malformed tus header(s): ${bad[1]}.`;
    if (f.body === TUS.MISSING_OFFSET.body) return 'A PATCH needs an Upload-Offset header.';
    if (f.body === TUS.INVALID_LENGTH.body) return 'Send either Upload-Length or Upload-Defer-Length: 1 (and a declared length only once, never below the offset).';
    if (f.body === TUS.ABORTED.body) return 'The request was stopped because a newer request for the same upload took over.';
  }
  if (code === 'SLUICE_ERR_UPLOAD_UNSUPPORTED' && body) return body;
  return undefined;
}

export function sluiceErrorForTus(f: TusFailure): SluiceError {
  if (f.code === 'ENOSPC') return new SluiceError('SLUICE_ERR_UPLOAD_DISK_FULL', undefined, { cause: f });
  const status = f.status_code ?? 500;
  const code = (f.body !== undefined ? BY_BODY.get(f.body) : undefined) ?? BY_STATUS[status];
  if (!code) return new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: f });
  return new SluiceError(code, message(code, f), { cause: f });
}
