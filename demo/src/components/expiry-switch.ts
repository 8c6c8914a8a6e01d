/**
 * "Expire links now": mints a playback token whose `mediaTtl` claim makes
 * every signed media URL handed out with it expire after a few seconds, and
 * reloads the player with it at the same position. From then on the player
 * keeps meeting expired links and has to re-sign them while it plays.
 */
import type { VideoStreamPlayer } from '@sluice/player';
import { mintToken, token } from '../api.js';

/** Seconds a signed link lives while the switch is on. */
export const SHORT_MEDIA_TTL = 5;

/** The playback token for `id`: a one-hour token (cached unless `fresh`), or a new short-lived-links token. */
export function playbackToken(id: string, shortLinks: boolean, fresh = false): Promise<string> {
  return shortLinks ? mintToken({ aud: 'playback', sub: id, ttl: '1h', mediaTtl: SHORT_MEDIA_TTL }) : token({ aud: 'playback', sub: id }, fresh);
}

/**
 * Gives the player `newToken` and reloads its source where it is, resuming
 * play if it was playing. The playlists it holds were signed for the old
 * token's lifetime, so only a reload makes the new lifetime apply at once.
 */
export function reloadWithToken(player: VideoStreamPlayer, newToken: string): void {
  const position = player.currentTime;
  const playing = !player.paused && !player.ended;
  player.token = newToken;
  player.startTime = Number.isFinite(position) ? position : 0;
  if (playing) {
    // play() before the new source is attached would be aborted by the load.
    player.addEventListener('canplay', () => { player.play().catch(() => undefined); }, { once: true });
  }
  player.load();
}
