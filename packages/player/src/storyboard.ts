/**
 * Storyboard thumbnails: a WebVTT track whose cue payloads are
 * `sprite.jpg#xywh=x,y,w,h` (the Media Fragments spatial syntax).
 */

export interface Thumbnail { start: number; end: number; url: string; x: number; y: number; w: number; h: number }

const TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})/;

function seconds(s: string): number {
  const m = TIME.exec(s);
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** Parses the track; relative sprite URLs resolve against `base` (the VTT's URL). */
export function parseStoryboard(vtt: string, base: string): Thumbnail[] {
  const out: Thumbnail[] = [];
  const lines = vtt.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (!line.includes('-->')) continue;
    const [a = '', b = ''] = line.split('-->');
    const payload = (lines[i + 1] ?? '').trim();
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
    if (!m?.[1]) continue;
    out.push({
      start: seconds(a), end: seconds(b), url: new URL(m[1], base).href,
      x: Number(m[2]), y: Number(m[3]), w: Number(m[4]), h: Number(m[5]),
    });
  }
  return out;
}

/** The thumbnail shown at `time`, if any. */
export function thumbnailAt(thumbs: readonly Thumbnail[], time: number): Thumbnail | undefined {
  return thumbs.find((t) => time >= t.start && time < t.end) ?? (time >= (thumbs.at(-1)?.end ?? Infinity) ? thumbs.at(-1) : undefined);
}

/** Fetches and parses; resolves empty on any failure (thumbnails are a nicety). */
export async function loadStoryboard(url: string): Promise<Thumbnail[]> {
  try {
    const res = await fetch(url, { cache: 'no-store' });
    return res.ok ? parseStoryboard(await res.text(), res.url || url) : [];
  } catch {
    return [];
  }
}
