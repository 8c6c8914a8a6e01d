/**
 * Caption files chosen with a video (`captions` attribute): which files are
 * captions, their language from the file name, which video each goes with,
 * and the checks made before anything is sent. Sending them is the engine
 * chunk's job (caption-sender.ts).
 */
// Errors built here, not with clientError(): its message table would join the initial chunk.
import type { UploaderErrorCode } from '@sluice/protocol/uploader-errors';
import type { UploadErrorInfo } from './errors.js';
import type { CaptionItem } from './upload-item.js';

/** The server's caption limit (SLUICE_ERR_CAPTIONS_TOO_LARGE above it), checked here first. */
export const MAX_CAPTION_BYTES = 2_000_000;
/** Added to `accept` when captions are allowed. */
export const CAPTION_ACCEPT = '.vtt,.srt';

const CAPTION_EXT = /\.(vtt|srt)$/i;
/** A language subtag as file names carry it: `en`, `pt-BR`, `zh-Hant-TW` (2–3 letter primary, so `film.final.srt` is not French-ish). */
const LANG_IN_NAME = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

export const isCaptionFile = (file: { name: string }): boolean => CAPTION_EXT.test(file.name);

const stem = (name: string): string => name.replace(/\.[^.]+$/, '');

/** `film.pt-BR.vtt` → `pt-BR`; null when the name carries no language. */
export function langFromName(name: string): string | null {
  const parts = stem(name).split('.');
  const tag = parts.length > 1 ? parts.at(-1) ?? '' : '';
  if (!LANG_IN_NAME.test(tag)) return null;
  try { return Intl.getCanonicalLocales(tag)[0] ?? null; } catch { return null; }
}

/** The name a caption shares with its video: `film.en.srt` → `film`. */
function captionBase(name: string): string {
  const s = stem(name);
  return langFromName(name) ? stem(s) : s;
}

export interface CaptionPairing<V> {
  /** Each video with the caption files that go with it. */
  pairs: Map<V, File[]>;
  /** Caption files refused before anything was sent. */
  refused: { file: File; error: UploadErrorInfo }[];
}

/**
 * One video: every caption file goes with it. Several: a caption goes with
 * the video whose base name it shares (`film.en.srt` ↔ `film.mp4`), else it
 * is refused. Too large → refused.
 */
export function pairCaptions<V extends { name: string }>(videos: readonly V[], captions: readonly File[]): CaptionPairing<V> {
  const pairs = new Map<V, File[]>(videos.map((v) => [v, []]));
  const refused: CaptionPairing<V>['refused'] = [];
  for (const file of captions) {
    if (file.size > MAX_CAPTION_BYTES) {
      refused.push({ file, error: { code: 'SLUICE_ERR_UPLOAD_CAPTION_TOO_LARGE' satisfies UploaderErrorCode, retriable: false, message: `“${file.name}” is larger than ${MAX_CAPTION_BYTES / 1e6} MB of captions.` } });
      continue;
    }
    const video = videos.length === 1 ? videos[0] : videos.find((v) => stem(v.name) === captionBase(file.name));
    if (!video) {
      refused.push({ file, error: { code: 'SLUICE_ERR_UPLOAD_CAPTION_UNMATCHED' satisfies UploaderErrorCode, retriable: false, message: videos.length === 0
        ? `“${file.name}” is a caption file: choose it together with its video.`
        : `“${file.name}” does not share its name with any of the chosen videos.` } });
      continue;
    }
    pairs.get(video)?.push(file);
  }
  return { pairs, refused };
}

/** Caption items for a video's files: the language from each name, else `fallback`. */
export function captionItems(files: readonly File[], fallback: string): CaptionItem[] {
  return files.map((file) => ({ file, lang: langFromName(file.name) ?? fallback, status: 'pending', error: null }));
}
