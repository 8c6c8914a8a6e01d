/**
 * The one catalogue of Sluice error codes. Every code is documented in
 * docs/errors.md (a test keeps the two in sync). Codes are public API: never
 * rename one; add new ones.
 */
export const ERRORS = {
  // config
  SLUICE_ERR_CONFIG_INVALID: { status: 500, message: 'A configuration variable is invalid.' },
  // auth
  SLUICE_ERR_AUTH_MISSING: { status: 401, message: 'A token is required: send Authorization: Bearer <jwt> or ?token=<jwt>.' },
  SLUICE_ERR_AUTH_INVALID: { status: 401, message: 'The token is invalid or expired.' },
  SLUICE_ERR_AUTH_FORBIDDEN: { status: 403, message: 'The token does not grant access to this resource.' },
  SLUICE_ERR_AUTH_DEMO_ONLY: { status: 401, message: 'Open token minting is only available in demo mode; send an admin token.' },
  // request
  SLUICE_ERR_REQUEST_INVALID: { status: 400, message: 'The request is malformed.' },
  SLUICE_ERR_REQUEST_NOT_FOUND: { status: 404, message: 'No such route.' },
  // videos
  SLUICE_ERR_VIDEO_NOT_FOUND: { status: 404, message: 'No video with this id.' },
  SLUICE_ERR_VIDEO_NOT_READY: { status: 409, message: 'The video is not playable yet.' },
  // uploads
  SLUICE_ERR_UPLOAD_TOO_LARGE: { status: 413, message: 'The upload is larger than the server allows (SLUICE_MAX_UPLOAD).' },
  SLUICE_ERR_UPLOAD_METADATA_INVALID: { status: 400, message: 'The Upload-Metadata header is malformed or too large.' },
  SLUICE_ERR_UPLOAD_DISK_FULL: { status: 507, message: 'The server has no space left to store the upload.' },
  // media (processing failures, reported in the status document)
  SLUICE_ERR_MEDIA_EMPTY: { status: 422, message: 'The uploaded file is empty.' },
  SLUICE_ERR_MEDIA_UNREADABLE: { status: 422, message: 'The file is not a readable media file (corrupt, truncated or not a video).' },
  SLUICE_ERR_MEDIA_NO_VIDEO: { status: 422, message: 'The file has no decodable video stream.' },
  SLUICE_ERR_MEDIA_FORMAT_NOT_ALLOWED: { status: 422, message: 'The file is a playlist, script or other format that Sluice does not read as a video (only media containers such as MP4, MOV, MKV, WebM, AVI, MPEG-TS).' },
  SLUICE_ERR_MEDIA_TOO_LONG: { status: 422, message: 'The video is longer than this server or the upload token accepts (SLUICE_MAX_DURATION, maxDuration).' },
  SLUICE_ERR_MEDIA_TOO_LARGE: { status: 422, message: 'The picture is too large, or too large at its frame rate, for this server (8192 pixels a side, SLUICE_MAX_PIXEL_RATE).' },
  SLUICE_ERR_MEDIA_TRANSCODE_FAILED: { status: 500, message: 'ffmpeg failed while transcoding the video.' },
  SLUICE_ERR_MEDIA_TRANSCODE_STALLED: { status: 500, message: 'ffmpeg made no progress for too long and was stopped.' },
  SLUICE_ERR_MEDIA_INTERRUPTED: { status: 500, message: 'Processing was interrupted too many times (crash or restart) and was given up.' },
  // signed media delivery
  SLUICE_ERR_SIGNATURE_INVALID: { status: 403, message: 'The media URL signature is missing or invalid.' },
  SLUICE_ERR_SIGNATURE_EXPIRED: { status: 410, message: 'The media URL has expired; fetch a fresh playlist.' },
  SLUICE_ERR_MEDIA_PATH_INVALID: { status: 400, message: 'The media path is not allowed.' },
  SLUICE_ERR_MEDIA_NOT_FOUND: { status: 404, message: 'No such media file.' },
  SLUICE_ERR_RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is not satisfiable.' },
  SLUICE_ERR_MEDIA_PRECONDITION_FAILED: { status: 412, message: 'The media file does not match If-Match or If-Unmodified-Since.' },
  // storage
  SLUICE_ERR_STORAGE_FAILED: { status: 502, message: 'The storage backend failed.' },
  SLUICE_ERR_STORAGE_NOT_FOUND: { status: 404, message: 'No such object in storage.' },
  SLUICE_ERR_STORAGE_PRESIGN_UNSUPPORTED: { status: 501, message: 'This storage backend cannot presign URLs.' },
  SLUICE_ERR_STORAGE_PRESIGN_FAILED: { status: 502, message: 'The storage backend could not presign a URL (no signing key or no permission).' },
  // internal
  SLUICE_ERR_SERVER_INTERNAL: { status: 500, message: 'An unexpected error occurred.' },
} as const satisfies Record<string, { status: number; message: string }>;

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
export function errorBody(e: SluiceError): { error: { code: ErrorCode; message: string } } {
  return { error: e.toJSON() };
}
