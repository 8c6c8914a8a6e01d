/**
 * The one gate every caption text goes through (API, CLI, extraction):
 * bytes → UTF-8 text → cues → WebVTT that Sluice writes itself. Anything
 * that is not clean WebVTT or SRT text is refused with a SLUICE_ERR_CAPTIONS_*
 * code before anything is stored. Cue text is kept as text: it is never
 * turned into markup here, and WebVTT's own escaping is preserved.
 */
import { SluiceError } from '../errors.js';

/** Most bytes of caption text accepted (after decoding to UTF-8). */
export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;
/** Most cues in one track. */
export const MAX_CUES = 20_000;

export interface Cue {
  /** Seconds. */
  start: number;
  end: number;
  /** WebVTT cue settings (`align:start line:90%`), kept when they are well-formed. */
  settings: string;
  /** The payload lines, joined with \n; never empty lines inside (WebVTT ends a cue at a blank line). */
  text: string;
}

export interface ParsedCaptions {
  cues: Cue[];
  /** The track as WebVTT written by serialiseVtt. */
  vtt: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true });

/**
 * Bytes → text: UTF-8 (BOM stripped) or UTF-16 with a BOM (converted).
 * Invalid UTF-8 is refused here; NUL bytes and other control characters
 * (binary) by parseCaptions. `maxBytes`: UTF-16 takes up to twice the bytes.
 */
export function decodeCaptionBytes(bytes: Uint8Array, maxBytes = MAX_CAPTION_BYTES * 2): string {
  if (bytes.byteLength > maxBytes) throw tooLarge();
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = UTF16LE.decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = UTF16BE.decode(bytes.subarray(2));
    else text = UTF8.decode(bytes);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CAPTIONS_ENCODING', 'The caption file is not valid UTF-8 (nor UTF-16 with a byte order mark); save it as UTF-8.', { cause: err });
  }
  return text;
}

/**
 * Text (as sent in the JSON API, or decoded) → cues and canonical WebVTT.
 * WebVTT when it starts with `WEBVTT` (after an optional BOM), else SRT.
 */
export function parseCaptions(input: string): ParsedCaptions {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (Buffer.byteLength(text, 'utf8') > MAX_CAPTION_BYTES) throw tooLarge();
  // NUL and other control characters (but tab, LF and CR) mean binary, not text.
  const control = /(?![\t\n\r])\p{Cc}/u.exec(text);
  if (control) throw invalid(`it contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}): binary data is not a caption file`);
  if (/[\uD800-\uDFFF]/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    throw new SluiceError('SLUICE_ERR_CAPTIONS_ENCODING', 'The caption text contains unpaired UTF-16 surrogates; it is not valid Unicode text.');
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cues = /^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '') ? parseVtt(lines) : parseSrt(lines);
  if (cues.length === 0) throw invalid('it has no cues');
  const vtt = serialiseVtt(cues);
  return { cues, vtt };
}

// WebVTT §4.1: hh:mm:ss.ttt or mm:ss.ttt; SRT uses a comma before the milliseconds.
const TIMESTAMP = /^(?:(\d{1,}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$/;
const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
// One setting: name:value with no whitespace; the names WebVTT defines.
const SETTING = /^(?:vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?|position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?|size:\d+(?:\.\d+)?%|align:(?:start|center|end|left|right)|region:[^\s:]+)$/;

function parseTimestamp(s: string, lineNo: number): number {
  const m = TIMESTAMP.exec(s);
  if (!m) throw invalid(`line ${lineNo}: "${clip(s)}" is not a timestamp like 00:01:02.345`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** A `start --> end [settings]` line → the cue's timing; refuses start ≥ end. */
function parseTiming(line: string, lineNo: number, srt: boolean): Pick<Cue, 'start' | 'end' | 'settings'> {
  const m = TIMING.exec(line.trim());
  if (!m) throw invalid(`line ${lineNo}: a cue needs a timing line "start --> end"`);
  const start = parseTimestamp(m[1]!, lineNo);
  const end = parseTimestamp(m[2]!, lineNo);
  if (!(end > start)) throw invalid(`line ${lineNo}: the cue ends (${m[2]}) before it starts (${m[1]})`);
  // SRT has no cue settings (some files carry X1:… Y1:… coordinates): dropped. WebVTT's are kept only when well-formed.
  const settings = srt ? '' : (m[3] ?? '').split(/[ \t]+/).filter((s) => SETTING.test(s)).join(' ');
  return { start, end, settings };
}

/** The blank-line-separated blocks of `lines` from `from` on, each with the index of its first line. */
function* blocks(lines: string[], from: number): Generator<{ start: number; block: string[] }> {
  let i = from;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) return;
    const start = i;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') block.push(lines[i++]!);
    yield { start, block };
  }
}

/** The cue of a block whose timing line is `block[timingAt]`; counts against MAX_CUES. */
function blockCue(cues: Cue[], block: string[], blockStart: number, timingAt: number, srt: boolean): void {
  const timing = block[timingAt];
  if (timing === undefined || !timing.includes('-->')) throw invalid(`line ${blockStart + 1}: a cue without a timing line`);
  cues.push(cue(parseTiming(timing, blockStart + timingAt + 1, srt), block.slice(timingAt + 1), srt));
  if (cues.length > MAX_CUES) throw tooLarge();
}

function parseVtt(lines: string[]): Cue[] {
  const cues: Cue[] = [];
  // Header lines (metadata) run until the first blank line.
  let i = 1;
  while (i < lines.length && lines[i]!.trim() !== '') i++;
  for (const { start, block } of blocks(lines, i)) {
    const first = block[0]!;
    // NOTE, STYLE and REGION blocks carry no cue; STYLE/REGION are dropped (not validated, so not kept).
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes('-->')) continue;
    blockCue(cues, block, start, first.includes('-->') ? 0 : 1, false);
  }
  return cues;
}

function parseSrt(lines: string[]): Cue[] {
  const cues: Cue[] = [];
  for (const { start, block } of blocks(lines, 0)) {
    // SRT: a counter line, then the timing line; tolerate a missing counter.
    const timingAt = block[0]!.includes('-->') ? 0 : 1;
    if (timingAt === 1 && !/^\d+$/.test(block[0]!.trim())) {
      throw invalid(`line ${start + 1}: "${clip(block[0]!)}" is neither WebVTT (which starts with WEBVTT) nor an SRT cue number`);
    }
    blockCue(cues, block, start, timingAt, true);
  }
  return cues;
}

function cue(timing: Pick<Cue, 'start' | 'end' | 'settings'>, payload: string[], srt = false): Cue {
  // A payload line containing "-->" would read as a new timing line in WebVTT (§4.1): break the arrow.
  let text = payload.map((l) => l.replace(/-->/g, '--&gt;')).join('\n');
  // SRT text is plain text with a few tags; WebVTT needs & and < escaped unless they start a tag it knows.
  if (srt) text = srtToVttText(text);
  return { ...timing, text };
}

// The tags SRT files use that WebVTT also has; <font …> and anything else become text.
const SRT_TAG = /^<\/?(?:b|i|u)>/i;

function srtToVttText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '&') out += /^&(?:amp|lt|gt|nbsp|lrm|rlm);/.test(text.slice(i)) ? '&' : '&amp;';
    else if (c === '<') {
      const tag = SRT_TAG.exec(text.slice(i))?.[0];
      if (tag) { out += tag.toLowerCase(); i += tag.length - 1; } else out += '&lt;';
    } else if (c === '>') out += '&gt;';
    else out += c;
  }
  return out;
}

/** hh:mm:ss.ttt */
export function formatTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** One cue as a WebVTT block (no cue identifier: ids from uploads are not carried over). */
export function cueBlock(c: Cue): string {
  return `${formatTimestamp(c.start)} --> ${formatTimestamp(c.end)}${c.settings ? ` ${c.settings}` : ''}\n${c.text}\n`;
}

/** Cues → a WebVTT file, header `WEBVTT` plus optional header lines. */
export function serialiseVtt(cues: readonly Cue[], headerLines: readonly string[] = []): string {
  return ['WEBVTT', ...headerLines].join('\n') + '\n\n' + cues.map(cueBlock).join('\n');
}

function invalid(why: string): SluiceError {
  return new SluiceError('SLUICE_ERR_CAPTIONS_INVALID', `The caption file is not valid WebVTT or SRT: ${why}.`);
}

function tooLarge(): SluiceError {
  return new SluiceError('SLUICE_ERR_CAPTIONS_TOO_LARGE', `The caption file is too large: at most ${MAX_CAPTION_BYTES / 1024 / 1024} MB of text and ${MAX_CUES} cues.`);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
