/**
 * Checks of HLS playlists against RFC 8216 for the captions tests: the
 * attribute-list syntax (§4.2), EXT-X-MEDIA rules (§4.3.4.1), rendition
 * groups named by every EXT-X-STREAM-INF (§4.3.4.2), and media playlist
 * rules (§4.3.3.1 target duration, §4.3.3.4 ENDLIST, §4.3.3.5 VOD).
 */
import assert from 'node:assert/strict';

export type Attributes = Record<string, string>;

// §4.2: AttributeName=AttributeValue, values: decimal-integer, hexadecimal-sequence,
// decimal-floating-point, quoted-string (no '"', CR, LF), enumerated-string, decimal-resolution.
const VALUE = /^(?:\d+|0[xX][0-9A-F]+|-?\d+(?:\.\d+)?|"[^"\r\n]*"|[^",\s]+|\d+x\d+)$/;

/** Parses an attribute list strictly: every byte must belong to an attribute; names unique. */
export function parseAttributes(list: string): Attributes {
  const out: Attributes = {};
  const re = /([A-Z0-9-]+)=("[^"\r\n]*"|[^,]*)(,|$)/y;
  let at = 0;
  while (at < list.length) {
    re.lastIndex = at;
    const m = re.exec(list);
    assert.ok(m, `attribute list malformed at ${JSON.stringify(list.slice(at))}`);
    const [, name, value] = m;
    assert.ok(VALUE.test(value!), `attribute ${name} has a malformed value ${value}`);
    assert.ok(!(name! in out), `attribute ${name} appears twice`);
    out[name!] = value!.startsWith('"') ? value!.slice(1, -1) : value!;
    at = re.lastIndex;
    if (m[3] === '') break;
  }
  return out;
}

/** Validates a master playlist; returns the SUBTITLES renditions' attributes, in order. */
export function checkMasterPlaylist(text: string): Attributes[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  assert.equal(lines[0], '#EXTM3U');
  const media: Attributes[] = [];
  const variants: Attributes[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('#EXT-X-MEDIA:')) media.push(parseAttributes(line.slice('#EXT-X-MEDIA:'.length)));
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      variants.push(parseAttributes(line.slice('#EXT-X-STREAM-INF:'.length)));
      const next = lines[i + 1] ?? '';
      assert.ok(next !== '' && !next.startsWith('#'), 'EXT-X-STREAM-INF is followed by its URI');
    }
  }
  assert.ok(variants.length > 0, 'a master lists variants');
  const groups = new Map<string, Attributes[]>();
  for (const m of media) {
    for (const required of ['TYPE', 'GROUP-ID', 'NAME']) assert.ok(m[required] !== undefined, `EXT-X-MEDIA needs ${required}`);
    assert.ok(['AUDIO', 'VIDEO', 'SUBTITLES', 'CLOSED-CAPTIONS'].includes(m.TYPE!));
    if (m.TYPE === 'SUBTITLES') assert.ok(m.URI, 'a SUBTITLES rendition has a URI');
    for (const flag of ['DEFAULT', 'AUTOSELECT', 'FORCED']) if (m[flag] !== undefined) assert.ok(['YES', 'NO'].includes(m[flag]!), `${flag} is YES or NO`);
    if (m.DEFAULT === 'YES' && m.AUTOSELECT !== undefined) assert.equal(m.AUTOSELECT, 'YES', 'AUTOSELECT must be YES when DEFAULT is YES');
    if (m.FORCED !== undefined) assert.equal(m.TYPE, 'SUBTITLES', 'FORCED only on SUBTITLES');
    if (m.LANGUAGE !== undefined) assert.doesNotThrow(() => Intl.getCanonicalLocales(m.LANGUAGE), 'LANGUAGE is a BCP 47 tag');
    const key = `${m.TYPE}/${m['GROUP-ID']}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const [key, members] of groups) {
    assert.ok(members.filter((m) => m.DEFAULT === 'YES').length <= 1, `at most one DEFAULT=YES in ${key}`);
    assert.equal(new Set(members.map((m) => m.NAME)).size, members.length, `NAMEs unique in ${key}`);
  }
  const subtitleGroups = [...groups.keys()].filter((k) => k.startsWith('SUBTITLES/')).map((k) => k.slice('SUBTITLES/'.length));
  for (const v of variants) {
    if (subtitleGroups.length > 0) assert.ok(v.SUBTITLES !== undefined, 'every variant names the subtitles group');
    if (v.SUBTITLES !== undefined) assert.ok(subtitleGroups.includes(v.SUBTITLES), `SUBTITLES="${v.SUBTITLES}" names an existing group`);
  }
  return media.filter((m) => m.TYPE === 'SUBTITLES');
}

/** Validates a VOD media playlist; returns its segments (absolute URIs as listed, and durations). */
export function checkSubtitlePlaylist(text: string, videoDuration: number): Array<{ uri: string; duration: number }> {
  const lines = text.split('\n').filter((l) => l !== '');
  assert.equal(lines[0], '#EXTM3U');
  const target = Number(/^#EXT-X-TARGETDURATION:(\d+)$/m.exec(text)?.[1]);
  assert.ok(target > 0, 'EXT-X-TARGETDURATION present');
  assert.match(text, /^#EXT-X-PLAYLIST-TYPE:VOD$/m);
  assert.equal(lines[lines.length - 1], '#EXT-X-ENDLIST');
  const segments: Array<{ uri: string; duration: number }> = [];
  let pending: number | undefined;
  for (const line of lines) {
    const inf = /^#EXTINF:(\d+(?:\.\d+)?),/.exec(line);
    if (inf) { pending = Number(inf[1]); continue; }
    if (line.startsWith('#')) continue;
    assert.ok(pending !== undefined, `${line} follows an EXTINF`);
    assert.ok(Math.round(pending) <= target, `EXTINF ${pending} rounds to at most the target duration ${target}`);
    segments.push({ uri: line, duration: pending });
    pending = undefined;
  }
  const sum = segments.reduce((a, s) => a + s.duration, 0);
  assert.ok(Math.abs(sum - videoDuration) < 0.1, `sum of EXTINF ${sum} ≈ video duration ${videoDuration}`);
  return segments;
}

/** baseMediaDecodeTime of every tfdt box (ISO/IEC 14496-12 §8.8.12) in an fMP4 fragment, in order. */
export function firstTfdts(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  const walk = (from: number, to: number): void => {
    for (let at = from; at + 8 <= to;) {
      const size = view.getUint32(at);
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      if (size < 8) return;
      if (type === 'moof' || type === 'traf') walk(at + 8, at + size);
      if (type === 'tfdt') out.push(bytes[at + 8] === 1 ? Number(view.getBigUint64(at + 12)) : view.getUint32(at + 12));
      at += size;
    }
  };
  walk(0, bytes.byteLength);
  return out;
}

/** The cues of a WebVTT file Sluice wrote: times in seconds and text. */
export function parseVttCues(text: string): Array<{ start: number; end: number; text: string }> {
  const seconds = (s: string): number => {
    const [h, m, rest] = s.split(':');
    return Number(h) * 3600 + Number(m) * 60 + Number(rest);
  };
  return text.split('\n\n').slice(1).filter((b) => b.includes('-->')).map((block) => {
    const [timing, ...payload] = block.trim().split('\n');
    const [, start, end] = /^(\S+) --> (\S+)/.exec(timing!)!;
    return { start: seconds(start!), end: seconds(end!), text: payload.join('\n') };
  });
}
