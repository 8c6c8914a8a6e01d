/**
 * Registers `<video-stream-player>` once. Touches `customElements` only when
 * it exists, so importing the package on a server (SSR) is safe.
 */
import { VideoStreamPlayer } from './video-stream-player.js';

if (typeof customElements !== 'undefined' && !customElements.get('video-stream-player')) {
  customElements.define('video-stream-player', VideoStreamPlayer);
}
