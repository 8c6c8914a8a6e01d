/**
 * The element's own events (kebab-case, bubbling, composed) and their details.
 */
import type { PlayerErrorCode } from '@sluice/protocol';
import type { CaptionsChangeDetail } from './captions.js';
import type { EngineKind, ResignReason } from './engine.js';
import type { RecoveryReason } from './expiry-loader.js';
import type { VideoStatus } from './status.js';

/** `stream-recovered`: a request failed (expired URL, rejected token) and succeeded after re-signing. */
export interface StreamRecoveredDetail { reason: RecoveryReason; stallMs: number }

/**
 * `stream-resigned`: URLs were re-signed before they failed — `expiring`
 * (about to expire: hls.js re-fetched a playlist, the native engine reloaded
 * a paused video) or `token` (the `token` property changed). `stallMs` is
 * the playback it cost (0 when nothing was playing).
 */
export interface StreamResignedDetail { reason: ResignReason; engine: EngineKind; stallMs: number }

/** `stream-fallback`: HLS failed for good; playback moved to the MP4 at the same position. */
export interface StreamFallbackDetail { reason: string; from: string; to: string; position: number }

/** `stream-error`: playback cannot continue (or cannot start). `code` is a SLUICE_ERR_… code. */
export interface StreamErrorDetail { code: string; message: string; fatal: boolean }

/** `token-expired`: the JWT was rejected and no `tokenProvider` is set; set `token` to continue. */
export interface TokenExpiredDetail { src: string }

/** `status-change`: the server's status document for the video changed. */
export type StatusChangeDetail = VideoStatus;

export interface VideoStreamPlayerEventMap {
  'stream-recovered': CustomEvent<StreamRecoveredDetail>;
  'stream-resigned': CustomEvent<StreamResignedDetail>;
  'stream-fallback': CustomEvent<StreamFallbackDetail>;
  'stream-error': CustomEvent<StreamErrorDetail>;
  'token-expired': CustomEvent<TokenExpiredDetail>;
  'status-change': CustomEvent<StatusChangeDetail>;
  'captions-change': CustomEvent<CaptionsChangeDetail>;
}

/**
 * Player-side error codes (the server's codes pass through unchanged in
 * `stream-error`); each is one of @sluice/protocol's `PLAYER_ERRORS`, where
 * its meaning is written and from which docs/errors.md is checked.
 */
export const PlayerErrors = {
  SOURCE: 'SLUICE_ERR_PLAYER_SOURCE',
  UNSUPPORTED: 'SLUICE_ERR_PLAYER_UNSUPPORTED',
  NETWORK: 'SLUICE_ERR_PLAYER_NETWORK',
  MEDIA: 'SLUICE_ERR_PLAYER_MEDIA',
  TOKEN: 'SLUICE_ERR_PLAYER_TOKEN',
} as const satisfies Record<string, PlayerErrorCode>;

/** An error with a stable code, a message a user can act on, and the cause. */
export class PlayerError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlayerError';
    this.code = code;
    this.status = options?.status;
  }
}
