/** @sluice/server: the app, its configuration, and the parts worth reusing on their own. */
export { buildApp, type BuildAppOptions } from './app.js';
export { loadConfig, resolveSecret, parseDuration, parseSize, type SluiceConfig, type SigningMode, type StorageKind, type DeliveryMode } from './config.js';
export { ERRORS, SluiceError, isSluiceError, type ErrorCode } from './errors.js';
export { mintToken, type Audience, type SluiceClaims } from './auth/tokens.js';
export { createUrlSigner, type UrlSigner, type SignatureVerdict } from './signing/url-signer.js';
export { renderNginxConfig, type NginxConfigOptions } from './delivery/nginx-config.js';
export { processVideo, type ProcessOptions, type ProcessResult } from './transcode/pipeline.js';
export { probe, type ProbeResult } from './transcode/probe.js';
export { planLadder, type Rendition } from './transcode/ladder.js';
export type { Storage, StorageKind as StorageBackend, ObjectInfo, ByteRange, StorageCapabilities } from './storage/storage.js';
export { createStorage } from './storage/create-storage.js';
export { DiskCache, type DiskCacheOptions, type DiskCacheStats } from './storage/disk-cache.js';
export type { StatusDocument } from './videos/status-document.js';
export type { JobQueueStatus } from './transcode/jobs.js';
export { signWebhookPayload, verifyWebhookSignature, SIGNATURE_HEADER, type VerifyWebhookOptions } from './webhooks/signature.js';
export { VIDEO_EVENT_TYPES, type VideoEventType, type WebhookEventType } from './webhooks/event-types.js';
export type { WebhookEvent } from './webhooks/event-body.js';
export type { DeliveryResult } from './webhooks/dispatcher.js';
