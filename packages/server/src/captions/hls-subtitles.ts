/**
 * Caption tracks in the HLS master playlist (RFC 8216 §4.3.4.1, §4.3.4.2):
 * one `EXT-X-MEDIA:TYPE=SUBTITLES` per track in the group "subs", and
 * `SUBTITLES="subs"` on every `EXT-X-STREAM-INF`, so that hls.js, native
 * HLS, Shaka and video.js offer them. The master as served is built per
 * request from the one ffmpeg wrote plus the store: adding or removing a
 * track changes the next fetch and re-encodes nothing.
 */
import type { CaptionRecord } from '../db/store.js';

export const SUBTITLE_GROUP = 'subs';
const PLAYLIST_PREFIX = 'subtitles-';

/** The URI (relative to the master) of a track's subtitle media playlist. */
export function subtitlePlaylistName(trackId: string): string {
  return `${PLAYLIST_PREFIX}${trackId}.m3u8`;
}

/** The track id a `/hls/<file>` names, when it is a subtitle playlist. */
export function trackIdOfPlaylist(file: string): string | undefined {
  const m = /^subtitles-([a-f0-9]{16})\.m3u8$/.exec(file);
  return m?.[1];
}

// "public.accessibility.transcribes-spoken-dialog" and "…describes-music-and-sound": what
// Apple's HLS authoring spec asks of closed captions carried as WebVTT subtitles (SDH).
const SDH = 'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound';

/**
 * RFC 8216 §4.2: a quoted-string cannot contain `"`, CR or LF. Labels and
 * languages are checked when stored (caption-language.ts); this is the last
 * guard, for a row written by an older or foreign writer.
 */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n]/g, "'")}"`;
}

/**
 * The master with the tracks' rendition group; unchanged when there is no
 * track. NAMEs are made unique within the group (§4.3.4.1.1), and at most
 * one track is DEFAULT=YES.
 */
export function addSubtitleGroup(master: string, tracks: readonly CaptionRecord[]): string {
  if (tracks.length === 0) return master;
  const names = new Set<string>();
  let defaulted = false;
  const media = tracks.map((t) => {
    let name = t.label;
    for (let n = 2; names.has(name); n++) name = `${t.label} (${n})`;
    names.add(name);
    const isDefault = t.isDefault && !defaulted;
    defaulted ||= isDefault;
    return `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLE_GROUP}",NAME=${quoted(name)},LANGUAGE=${quoted(t.lang)},`
      + `DEFAULT=${isDefault ? 'YES' : 'NO'},AUTOSELECT=YES,FORCED=NO,`
      + (t.closedCaptions ? `CHARACTERISTICS="${SDH}",` : '')
      + `URI="${subtitlePlaylistName(t.id)}"`;
  });
  const eol = master.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  let placed = false;
  for (const line of master.split(/\r?\n/)) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      // The group's tags come before the first variant that names it.
      if (!placed) { out.push(...media); placed = true; }
      out.push(`${line},SUBTITLES="${SUBTITLE_GROUP}"`);
    } else {
      out.push(line);
    }
  }
  if (!placed) return master;
  return out.join(eol);
}
