/**
 * What processing does to a video's text tracks: once the probe has stored
 * the duration, `embedded` tracks of a previous run are dropped (they are
 * extracted again) and the `upload` ones are published again, now with
 * their HLS segments. Never fails the video: a track that cannot be
 * published is logged and skipped. After the encode, the original's text
 * streams are added as `embedded` tracks.
 */
import { captionPrefix } from '../storage/media-keys.js';
import { cleanLabel, streamLanguage } from './caption-language.js';
import { addCaption, republishCaptions, type CaptionDeps } from './caption-service.js';
import { decodeCaptionBytes, parseCaptions, serialiseVtt } from './parse-captions.js';

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

/** A text stream ffmpeg extracted from the original, with its tags. */
export interface EmbeddedText {
  bytes: Buffer;
  language?: string | undefined;
  title?: string | undefined;
  isDefault: boolean;
}

/**
 * Extracted text streams become `embedded` tracks, through the same
 * validation as uploads: lang from the ISO 639-2 tag (`eng` → `en`,
 * missing → `und`), label from the title or the language name. A stream's
 * default flag is kept only while no other track of the video is default
 * (an uploaded default wins). A stream that is refused is logged and skipped.
 * Cue times are moved back by `shiftSeconds` (the original's video start,
 * which the renditions play at 0).
 */
export async function addEmbeddedTracks(d: CaptionDeps, videoId: string, streams: readonly EmbeddedText[], shiftSeconds = 0): Promise<number> {
  let added = 0;
  for (const s of streams) {
    try {
      const lang = streamLanguage(s.language);
      const hasDefault = (await d.store.captions.list(videoId)).some((t) => t.isDefault);
      await addCaption(d, videoId, {
        lang, label: cleanLabel(s.title, lang), kind: 'subtitles', default: s.isDefault && !hasDefault, text: shiftCues(decodeCaptionBytes(s.bytes), shiftSeconds),
      }, 'embedded');
      added++;
    } catch (err) {
      d.log?.warn({ videoId, err: err instanceof Error ? err.message : String(err) }, 'an embedded subtitle stream was refused; skipped');
    }
  }
  return added;
}

/** Cues moved back by `seconds`; those that would end before 0 are dropped, starts clamped to 0. */
function shiftCues(text: string, seconds: number): string {
  if (!(seconds > 0)) return text;
  const ms = (v: number): number => Math.round(v * 1000) / 1000;
  const cues = parseCaptions(text).cues
    .map((c) => ({ ...c, start: ms(Math.max(0, c.start - seconds)), end: ms(c.end - seconds) }))
    .filter((c) => c.end > c.start);
  return serialiseVtt(cues);
}
