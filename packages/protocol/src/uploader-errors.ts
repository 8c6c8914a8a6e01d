/**
 * Codes `<chunked-uploader>` raises itself, before or around the server, in
 * `upload-error` and `items[].error`; errors the server answered keep the
 * server's code. Code → the default `message` a person reads (the element
 * often sends a more precise one). The doc comment is the code's meaning,
 * documented in docs/errors.md, "Raised by `<chunked-uploader>`". Codes are
 * public API.
 */
export const UPLOADER_ERRORS = {
  /** The file is larger than `max-size`; refused before any byte is sent (same code as the server's 413). */
  SLUICE_ERR_UPLOAD_TOO_LARGE: { message: 'This file is too large.' },
  /** The file's type or extension is not in `accept`; refused before any byte is sent. */
  SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED: { message: 'This type of file is not accepted.' },
  /** The browser is offline; the upload waits and continues when it is back. */
  SLUICE_ERR_UPLOAD_OFFLINE: { message: 'You are offline. The upload will continue when the connection is back.' },
  /** No progress for `stall-timeout` seconds: the request was aborted and is retried. */
  SLUICE_ERR_UPLOAD_STALLED: { message: 'The upload stalled; retrying.' },
  /** A request failed without an HTTP answer (server unreachable, connection reset). */
  SLUICE_ERR_UPLOAD_NETWORK: { message: 'The server could not be reached.' },
  /** The upload was cancelled (and terminated on the server). */
  SLUICE_ERR_UPLOAD_CANCELLED: { message: 'The upload was cancelled.' },
  /** Neither `token` nor `tokenProvider` gave a token, or `tokenProvider` threw. */
  SLUICE_ERR_UPLOAD_TOKEN_UNAVAILABLE: { message: 'No upload token is available.' },
  /** The server answered with an error that carried no Sluice code (e.g. a proxy's 502). */
  SLUICE_ERR_UPLOAD_REJECTED: { message: 'The server refused the upload.' },
  /** Anything else that stopped the upload in the browser (e.g. the file became unreadable). */
  SLUICE_ERR_UPLOAD_FAILED: { message: 'The upload failed.' },
  /** The processing status (Server-Sent Events) could not be followed. */
  SLUICE_ERR_UPLOAD_STATUS_LOST: { message: 'The upload finished, but its processing status could not be followed.' },
  /** A caption file is larger than 2 MB (the server's caption limit); refused before anything is sent, the video still uploads. */
  SLUICE_ERR_UPLOAD_CAPTION_TOO_LARGE: { message: 'This caption file is too large.' },
  /** A caption file was chosen without a video, or with several videos none of which shares its name; it is not sent. */
  SLUICE_ERR_UPLOAD_CAPTION_UNMATCHED: { message: 'This caption file does not go with any chosen video.' },
  /** A caption file could not be sent (no answer, or an answer without a Sluice code); the video upload goes on. */
  SLUICE_ERR_UPLOAD_CAPTION_FAILED: { message: 'The caption file could not be sent.' },
} as const satisfies Record<string, { message: string }>;

/** A code `<chunked-uploader>` raises itself. */
export type UploaderErrorCode = keyof typeof UPLOADER_ERRORS;
