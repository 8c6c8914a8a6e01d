/**
 * `embed/sluice-uploader.js`: `<chunked-uploader>` as one stable file, for
 * pages without a bundler (docs/embedding.md).
 */
export * from '@sluice/uploader';
