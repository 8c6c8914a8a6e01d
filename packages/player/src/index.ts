/**
 * @sluice/player: `<video-stream-player>`. Importing this module defines the
 * element (when a DOM exists); hls.js loads later, only if a stream needs it.
 */
import './define.js';

export { VideoStreamPlayer } from './video-stream-player.js';
export type { Engine, EngineKind, QualityLevel } from './engine.js';
export type { RecoveryReason } from './expiry-loader.js';
export { PlayerError, PlayerErrors } from './events.js';
export type {
  StreamRecoveredDetail, StreamFallbackDetail, StreamErrorDetail, TokenExpiredDetail, StatusChangeDetail, VideoStreamPlayerEventMap,
} from './events.js';
export type { VideoStatus, Rendition } from './status.js';
export type { CaptionsChangeDetail } from './captions.js';
export { urlExpiry } from './signed-url.js';
