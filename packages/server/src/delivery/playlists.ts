/**
 * URI rewriting for HLS playlists and WebVTT thumbnail tracks, used to turn
 * the relative URIs ffmpeg writes into signed (or tokenised) URLs. Only
 * URIs change; tags, attributes, comments and line endings are kept.
 */

// RFC 8216 §4.2: attribute-list = attribute *("," attribute), values are
// quoted-strings (no '"' inside) or unquoted tokens without ','.
const ATTRIBUTE = /([A-Z0-9-]+)=("[^"\r\n]*"|[^,]*)(,?)/y;

/**
 * Maps every URI in an M3U8 playlist: each URI line (RFC 8216 §4.1: a line
 * that is neither blank nor starts with '#') and every URI="…" attribute of a
 * tag (EXT-X-MAP, EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF, EXT-X-KEY,
 * EXT-X-SESSION-KEY, EXT-X-PART, …). Comments are left alone.
 */
export function rewritePlaylistUris(text: string, mapUri: (uri: string) => string): string {
  return mapLines(text, (line) => {
    const trimmed = line.trim();
    if (trimmed === '') return line;
    if (!trimmed.startsWith('#')) return mapUri(trimmed);
    if (!trimmed.startsWith('#EXT') || !trimmed.includes('URI="')) return line;
    return rewriteTagAttributes(trimmed, mapUri);
  });
}

function rewriteTagAttributes(line: string, mapUri: (uri: string) => string): string {
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  let out = line.slice(0, colon + 1);
  ATTRIBUTE.lastIndex = colon + 1;
  while (ATTRIBUTE.lastIndex < line.length) {
    const at = ATTRIBUTE.lastIndex;
    const m = ATTRIBUTE.exec(line);
    // Not an attribute list we understand: keep the rest as written.
    if (!m) return out + line.slice(at);
    const [, name, value, comma] = m;
    out += name === 'URI' && value!.startsWith('"') && value!.length >= 2
      ? `URI="${mapUri(value!.slice(1, -1))}"${comma}`
      : m[0];
  }
  return out;
}

// A storyboard cue's payload: an image URL, usually with a media fragment (#xywh=x,y,w,h).
const IMAGE_REF = /^[^\s<>#]+\.(?:jpe?g|png|webp|gif|avif)(?:\?[^\s#]*)?(?:#\S*)?$|^[^\s<>#]+#xywh=\S*$/i;

/**
 * Maps the image references in a WebVTT thumbnails track: cue payload lines
 * such as `storyboard.jpg#xywh=0,0,160,90`. mapUri gets the part before '#';
 * the fragment is kept. Header, NOTE/STYLE/REGION blocks, cue ids and
 * timings, and text payloads are left alone.
 */
export function rewriteVttUris(text: string, mapUri: (uri: string) => string): string {
  let inPayload = false;
  return mapLines(text, (line) => {
    const trimmed = line.trim();
    if (trimmed === '') {
      inPayload = false;
      return line;
    }
    if (!inPayload) {
      // WebVTT §4.1: a cue's timings line contains "-->"; its payload follows until a blank line.
      if (trimmed.includes('-->')) inPayload = true;
      return line;
    }
    if (!IMAGE_REF.test(trimmed)) return line;
    const hash = trimmed.indexOf('#');
    return hash < 0 ? mapUri(trimmed) : mapUri(trimmed.slice(0, hash)) + trimmed.slice(hash);
  });
}

/** Applies `fn` to each line, keeping the original line terminators (\n, \r\n). */
function mapLines(text: string, fn: (line: string) => string): string {
  return text.split(/(\r?\n)/).map((part, i) => (i % 2 === 1 ? part : fn(part))).join('');
}

/**
 * For each URI of a media playlist, the playlist time (seconds from its
 * first segment) at which a viewer playing straight through needs it: a
 * segment at its start (the sum of the EXTINF durations before it, RFC 8216
 * §4.3.2.1); an EXT-X-MAP init section at the start of the last segment it
 * initialises, since a player may (re)load it before any of them. A URI
 * listed twice keeps its earliest time.
 */
export function linearPlaylistTimes(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let at = 0;
  let duration = 0;
  let map: string | undefined;
  const need = (uri: string, t: number): void => { if (!out.has(uri)) out.set(uri, t); };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice('#EXTINF:'.length));
      duration = Number.isFinite(d) && d > 0 ? d : 0;
    } else if (line.startsWith('#EXT-X-MAP:')) {
      map = /\bURI="([^"]*)"/.exec(line)?.[1];
      if (map !== undefined) need(map, at);
    } else if (!line.startsWith('#')) {
      need(line, at);
      if (map !== undefined) out.set(map, Math.max(out.get(map) ?? 0, at));
      at += duration;
      duration = 0;
    }
  }
  return out;
}
