/**
 * Codes `<video-stream-player>` raises itself, in `stream-error`, for
 * problems found in the browser; the server's codes pass through unchanged.
 * Code → `message`, the code's one-line meaning (the player always sends a
 * more precise message of its own). Documented in docs/errors.md, "Raised by
 * `<video-stream-player>`". Codes are public API.
 */
export const PLAYER_ERRORS = {
  /** `src` did not answer a status document, or the status request failed. */
  SLUICE_ERR_PLAYER_SOURCE: { message: 'The source did not answer a Sluice status document, or could not be loaded.' },
  /** The browser can play neither HLS (MSE or native) nor the MP4 fallback. */
  SLUICE_ERR_PLAYER_UNSUPPORTED: { message: 'This browser can play neither HLS nor the MP4 fallback.' },
  /** The server could not be reached, or HLS failed with no MP4 to fall back to, or the MP4 failed. */
  SLUICE_ERR_PLAYER_NETWORK: { message: 'The stream could not be loaded (server unreachable, or HLS and the MP4 fallback both failed).' },
  /** Processing failed and the status document carried no server code. */
  SLUICE_ERR_PLAYER_MEDIA: { message: 'The video could not be processed.' },
  /** The playback JWT was rejected and `tokenProvider()` could not renew it. */
  SLUICE_ERR_PLAYER_TOKEN: { message: 'The playback token was rejected and could not be renewed.' },
} as const satisfies Record<string, { message: string }>;

/** A code `<video-stream-player>` raises itself. */
export type PlayerErrorCode = keyof typeof PLAYER_ERRORS;
