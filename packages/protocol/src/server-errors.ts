/**
 * Every error code the server answers with: code → HTTP status + default
 * message (the message is also the code's one-line meaning in
 * docs/errors.md, where a test keeps them in sync). Codes are public API:
 * never rename one; add new ones. `@sluice/server`'s `src/errors.ts` builds
 * `SluiceError` on this catalogue.
 */
export const SERVER_ERRORS = {
  // config
  SLUICE_ERR_CONFIG_INVALID: { status: 500, message: 'A configuration variable is invalid.' },
  // auth
  SLUICE_ERR_AUTH_MISSING: { status: 401, message: 'A token is required: send Authorization: Bearer <jwt> or ?token=<jwt>.' },
  SLUICE_ERR_AUTH_INVALID: { status: 401, message: 'The token is invalid or expired.' },
  SLUICE_ERR_AUTH_FORBIDDEN: { status: 403, message: 'The token does not grant access to this resource.' },
  SLUICE_ERR_AUTH_DEMO_ONLY: { status: 401, message: 'Open token minting is only available in demo mode; send an admin token.' },
  // demo mode
  SLUICE_ERR_DEMO_HOST_REFUSED: { status: 421, message: 'Demo mode only answers requests addressed to a loopback host (127.0.0.1, [::1], localhost).' },
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
  SLUICE_ERR_UPLOAD_NOT_FOUND: { status: 404, message: 'No upload at this URL for this token.' },
  SLUICE_ERR_UPLOAD_INVALID: { status: 400, message: 'The tus request is malformed.' },
  SLUICE_ERR_UPLOAD_OFFSET_MISMATCH: { status: 409, message: 'Upload-Offset does not match the bytes the server has; ask with HEAD and resume from there.' },
  SLUICE_ERR_UPLOAD_EXPIRED: { status: 410, message: 'The upload expired before it was finished; start a new one.' },
  SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED: { status: 412, message: 'Tus-Resumable must be 1.0.0, the only tus version this server speaks.' },
  SLUICE_ERR_UPLOAD_CONTENT_TYPE: { status: 415, message: 'A PATCH must be sent with Content-Type: application/offset+octet-stream.' },
  SLUICE_ERR_UPLOAD_FINISHED: { status: 400, message: 'The upload is complete and cannot be terminated; delete the video instead.' },
  SLUICE_ERR_UPLOAD_UNSUPPORTED: { status: 501, message: 'This tus extension is not supported by the server.' },
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
  // thumbnails
  SLUICE_ERR_THUMBNAIL_INVALID: { status: 400, message: 'The thumbnail request is malformed: time must be seconds (a non-negative decimal number) and width a whole number of pixels.' },
  SLUICE_ERR_THUMBNAIL_NOT_READY: { status: 409, message: 'The video is not transcoded as far as this time yet; retry once it is ready.' },
  SLUICE_ERR_THUMBNAIL_BUSY: { status: 503, message: 'Too many thumbnails are being generated right now; retry after the Retry-After delay.' },
  SLUICE_ERR_THUMBNAIL_FAILED: { status: 500, message: 'ffmpeg could not draw the thumbnail.' },
  // storage
  SLUICE_ERR_STORAGE_FAILED: { status: 502, message: 'The storage backend failed.' },
  SLUICE_ERR_STORAGE_NOT_FOUND: { status: 404, message: 'No such object in storage.' },
  SLUICE_ERR_STORAGE_PRESIGN_UNSUPPORTED: { status: 501, message: 'This storage backend cannot presign URLs.' },
  SLUICE_ERR_STORAGE_PRESIGN_FAILED: { status: 502, message: 'The storage backend could not presign a URL (no signing key or no permission).' },
  // webhooks
  SLUICE_ERR_WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'No webhook delivery with this id.' },
  SLUICE_ERR_WEBHOOK_DISABLED: { status: 409, message: 'Webhooks are not configured on this server (SLUICE_WEBHOOK_URLS and SLUICE_WEBHOOK_SECRET).' },
  // captions
  SLUICE_ERR_CAPTIONS_INVALID: { status: 400, message: 'The caption file is not WebVTT or SRT text (binary data, or a cue without a valid timing).' },
  SLUICE_ERR_CAPTIONS_ENCODING: { status: 400, message: 'The caption file is not UTF-8 text (or UTF-16 with a byte order mark).' },
  SLUICE_ERR_CAPTIONS_TOO_LARGE: { status: 413, message: 'The caption file is larger than the server accepts (2 MB of text, 20000 cues).' },
  SLUICE_ERR_CAPTIONS_LANGUAGE: { status: 400, message: 'The language is not a BCP 47 tag (like en, pt-BR, zh-Hant).' },
  SLUICE_ERR_CAPTIONS_NOT_FOUND: { status: 404, message: 'No caption track with this id on this video.' },
  SLUICE_ERR_CAPTIONS_LIMIT: { status: 409, message: 'The video already has as many caption tracks as a video may have (32).' },
  SLUICE_ERR_CAPTIONS_LABEL: { status: 400, message: 'The label is empty, too long (over 100 characters) or contains a quote or a line break.' },
  // internal
  SLUICE_ERR_SERVER_INTERNAL: { status: 500, message: 'An unexpected error occurred.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code the server answers with. */
export type ServerErrorCode = keyof typeof SERVER_ERRORS;
