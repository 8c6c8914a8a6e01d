/**
 * @sluice/uploader: `<chunked-uploader>`, resumable form-associated video
 * uploads (tus). Importing this module defines the element; it touches no
 * DOM at load, so server-side rendering can import it.
 */
export { ChunkedUploader } from './chunked-uploader.js';
export { CLIENT_ERRORS, type ClientErrorCode, type UploadErrorInfo } from './errors.js';
export type { VideoStatus } from './processing.js';
export type {
  ChunkedUploaderEventMap, ProcessingProgressDetail, UploadErrorDetail, UploadItem, UploadProgressDetail,
  UploadStartDetail, UploadStatus, UploadSuccessDetail, VideoReadyDetail,
} from './upload-item.js';
export { formatBytes, matchesAccept, parseSize } from './validation.js';
