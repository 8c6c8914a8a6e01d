/**
 * @sluice/uploader: `<chunked-uploader>`, resumable form-associated video
 * uploads (tus). Importing this module defines the element; it touches no
 * DOM at load, so server-side rendering can import it.
 */
export { ChunkedUploader } from './chunked-uploader.js';
export type { ClientErrorCode, UploadErrorInfo } from './errors.js';
export type {
  CaptionErrorDetail, CaptionItem, ChunkedUploaderEventMap, ProcessingProgressDetail, UploadErrorDetail, UploadItem, UploadProgressDetail,
  UploadStartDetail, UploadStatus, UploadSuccessDetail, VideoReadyDetail, VideoStatus,
} from './upload-item.js';
export { formatBytes, matchesAccept, parseSize } from './validation.js';
