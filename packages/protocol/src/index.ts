/**
 * @sluice/protocol: what the Sluice server and its clients agree on — the
 * status document, the error body, every error code of every package, and
 * how sizes and durations are written. Dependency-free; every export is
 * independent, so a bundle keeps only what it uses.
 */
export type { CaptionTrack, Rendition, StatusDocument, VideoState } from './status-document.js';
export { isStatusDocument } from './status-document.js';
export { readErrorBody, type ErrorBody, type ErrorInfo } from './error-body.js';
export { SERVER_ERRORS, type ServerErrorCode } from './server-errors.js';
export { PLAYER_ERRORS, type PlayerErrorCode } from './player-errors.js';
export { UPLOADER_ERRORS, type UploaderErrorCode } from './uploader-errors.js';
export { formatSize, parseDuration, parseSize } from './units.js';
