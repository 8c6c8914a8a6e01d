/**
 * What processing does to a video's text tracks: once the probe has stored
 * the duration, `embedded` tracks of a previous run are dropped (they are
 * extracted again) and the `upload` ones are published again, now with
 * their HLS segments. Never fails the video: a track that cannot be
 * published is logged and skipped.
 */
import { captionPrefix } from '../storage/media-keys.js';
import { republishCaptions, type CaptionDeps } from './caption-service.js';

export async function prepareCaptions(d: CaptionDeps, videoId: string): Promise<void> {
  try {
    for (const id of await d.store.captions.deleteBySource(videoId, 'embedded')) {
      await d.media.storage.deletePrefix(captionPrefix(videoId, id));
    }
    await republishCaptions(d, videoId);
  } catch (err) {
    d.log?.warn({ videoId, err }, 'preparing caption tracks failed');
  }
}
