/**
 * Languages and labels of caption tracks: BCP 47 tags checked and
 * canonicalised with Intl, ISO 639-2 codes (what MKV and MP4 tag streams
 * with) mapped to BCP 47, default labels, and the characters a label or tag
 * may not carry because they end up inside an HLS quoted-string.
 */
import { SluiceError } from '../errors.js';

const MAX_LABEL = 100;
const NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** A BCP 47 tag → its canonical form (`EN-us` → `en-US`); refused with SLUICE_ERR_CAPTIONS_LANGUAGE otherwise. */
export function canonicalLanguage(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > 64) throw badLanguage(tag);
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    // RFC 8216 §4.3.4.1: LANGUAGE is a quoted-string; canonical tags are [A-Za-z0-9-] only.
    if (canonical === undefined || !/^[A-Za-z0-9-]+$/.test(canonical)) throw badLanguage(tag);
    return canonical;
  } catch (err) {
    throw err instanceof SluiceError ? err : badLanguage(tag, err);
  }
}

/** The language's English name (`en` → `English`, `pt-BR` → `Brazilian Portuguese`), or the tag itself. */
export function languageName(tag: string): string {
  if (tag === 'und') return 'Unknown language';
  try {
    return NAMES.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * A label fit for a menu and for NAME="…" in the master playlist: trimmed,
 * 1–100 characters, no `"` and no line break or other control character
 * (RFC 8216 §4.2: a quoted-string cannot contain them).
 */
export function checkLabel(label: unknown, lang: string): string {
  if (label === undefined || label === null) return languageName(lang);
  if (typeof label !== 'string') throw new SluiceError('SLUICE_ERR_CAPTIONS_LABEL', 'The label must be a string.');
  const t = label.trim();
  if (t.length === 0 || t.length > MAX_LABEL || /["\p{Cc}]/u.test(t)) {
    throw new SluiceError('SLUICE_ERR_CAPTIONS_LABEL', `The label must be 1–${MAX_LABEL} characters without a double quote or a line break.`);
  }
  return t;
}

/** A label taken from a stream's title tag: cleaned rather than refused (the track is still worth having). */
export function cleanLabel(title: string | undefined, lang: string): string {
  const t = (title ?? '').replace(/["\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL);
  return t || languageName(lang);
}

/** ISO 639-2/B codes whose BCP 47 form is not the 639-2/T code Intl knows (`fre` → `fr`). */
const BIBLIOGRAPHIC: Readonly<Record<string, string>> = {
  alb: 'sq', arm: 'hy', baq: 'eu', bur: 'my', chi: 'zh', cze: 'cs', dut: 'nl', fre: 'fr', geo: 'ka', ger: 'de',
  gre: 'el', ice: 'is', mac: 'mk', mao: 'mi', may: 'ms', per: 'fa', rum: 'ro', slo: 'sk', tib: 'bo', wel: 'cy',
};

/**
 * A stream's `language` tag (ISO 639-2, as Matroska and MP4 write it, or
 * already BCP 47) → a BCP 47 tag; `und`, missing or unreadable → `und`.
 * Intl canonicalises three-letter codes that have a two-letter form
 * (`eng` → `en`, `deu` → `de`).
 */
export function streamLanguage(tag: string | undefined): string {
  const t = (tag ?? '').trim().toLowerCase();
  if (t === '' || t === 'und' || t === 'mis' || t === 'mul' || t === 'zxx') return 'und';
  try {
    return canonicalLanguage(BIBLIOGRAPHIC[t] ?? t);
  } catch {
    return 'und';
  }
}

function badLanguage(tag: unknown, cause?: unknown): SluiceError {
  const shown = typeof tag === 'string' ? JSON.stringify(tag.slice(0, 64)) : String(tag);
  return new SluiceError('SLUICE_ERR_CAPTIONS_LANGUAGE', `${shown} is not a BCP 47 language tag (like en, pt-BR, zh-Hant).`, { cause });
}
