/**
 * Which text track is shown, and remembering it per site. Every engine ends
 * up with TextTracks on the one `<video>` (hls.js adds `<track>` nodes after
 * the manifest, the browser's HLS adds its renditions, the MP4 fallback gets
 * `<track>` elements from the status document), so the choice is made on
 * `video.textTracks` modes alone: hls.js follows mode changes itself
 * (subtitle-track-controller.ts `onTextTracksChanged`).
 */

/** localStorage key: a BCP 47 tag, or `off`. */
export const CAPTIONS_KEY = 'sluice-player:captions';
/**
 * After tracks appear, the engine or the browser may still pick its own
 * default (hls.js DEFAULT=YES, `<track default>`): for this long a change
 * that contradicts the viewer's choice is undone.
 */
const SETTLE_MS = 2000;

/** `captions-change`: the shown track changed (`lang` null: captions off). */
export interface CaptionsChangeDetail { lang: string | null; label: string | null }

/** A subtitles or captions TextTrack (chapters, metadata and storyboards are not captions). */
export const isCaption = (t: TextTrack): boolean => t.kind === 'subtitles' || t.kind === 'captions';

export function captionTracks(video: HTMLVideoElement): TextTrack[] {
  return Array.from(video.textTracks).filter(isCaption);
}

/** The remembered choice; null when none or storage is unavailable (private mode, sandboxed frames). */
export function readCaptionsChoice(): string | null {
  try { return localStorage.getItem(CAPTIONS_KEY); } catch { return null; }
}

function saveCaptionsChoice(value: string): void {
  try { localStorage.setItem(CAPTIONS_KEY, value); } catch { /* storage refused: the choice lasts this page */ }
}

/** The track for `lang`: same tag, else same primary language (`pt` for `pt-BR`). */
export function trackForLang(tracks: readonly TextTrack[], lang: string): TextTrack | undefined {
  const want = lang.toLowerCase();
  return tracks.find((t) => t.language.toLowerCase() === want)
    ?? tracks.find((t) => t.language.toLowerCase().split('-')[0] === want.split('-')[0]);
}

export interface CaptionsHost {
  readonly video: HTMLVideoElement;
  /** The language the source marks default (status document `default: true`), if known. */
  defaultLang(): string | undefined;
  /** The shown track changed. */
  changed(detail: CaptionsChangeDetail): void;
}

export class CaptionsController {
  readonly #host: CaptionsHost;
  /** The viewer's choice: a language, `off`, or null (none yet: the default is shown). */
  #choice: string | null = readCaptionsChoice();
  /** The last language shown, for `c` after `off`. */
  #lastLang: string | null = this.#choice !== 'off' ? this.#choice : null;
  /** What this page last showed (a language or `off`): re-selected when an engine change brings new tracks. */
  #session: string | null = null;
  #settleUntil = 0;
  /** Tracks the choice was applied to: a change among others (an engine's teardown, new tracks) is not the viewer's. */
  readonly #applied = new WeakSet<TextTrack>();
  #applyTimer: ReturnType<typeof setTimeout> | undefined;
  #selecting = false;
  #shown: TextTrack | null = null;

  constructor(host: CaptionsHost) {
    this.#host = host;
    const list = host.video.textTracks;
    list.addEventListener('addtrack', (e) => { if (!(e as TrackEvent).track || isCaption((e as TrackEvent).track as TextTrack)) this.#tracksAppeared(); });
    list.addEventListener('removetrack', () => this.#report());
    list.addEventListener('change', () => this.#onChange());
  }

  get tracks(): TextTrack[] { return captionTracks(this.#host.video); }

  /** The track showing now, or null. */
  get shown(): TextTrack | null { return this.tracks.find((t) => t.mode === 'showing') ?? null; }

  /** Shows `track` (null: off) and remembers the choice for this site. */
  select(track: TextTrack | null): void {
    this.#choice = track ? track.language || track.label : 'off';
    this.#session = this.#choice;
    if (track?.language) this.#lastLang = track.language;
    saveCaptionsChoice(this.#choice);
    this.#show(track);
  }

  /** `c`: off when on; else the remembered track, the default one, or the first. */
  toggle(): void {
    const tracks = this.tracks;
    if (this.shown) { this.select(null); return; }
    const remembered = this.#lastLang ? trackForLang(tracks, this.#lastLang) : undefined;
    const fallback = this.#host.defaultLang();
    this.select(remembered ?? (fallback ? trackForLang(tracks, fallback) : undefined) ?? this.#markedDefault(tracks) ?? tracks[0] ?? null);
  }

  /** Applies the remembered choice (or the default) now, e.g. after a reload at the same position. */
  apply(): void {
    const tracks = this.tracks;
    if (tracks.length === 0) return;
    for (const t of tracks) this.#applied.add(t);
    const choice = this.#session ?? this.#choice;
    if (choice === 'off') { this.#show(null); return; }
    const lang = choice ?? this.#host.defaultLang();
    const track = lang ? trackForLang(tracks, lang) : undefined;
    // No choice and no default known: leave what the engine picked (HLS DEFAULT=YES, `<track default>`).
    if (track) this.#show(track);
    else this.#report();
  }

  destroy(): void { clearTimeout(this.#applyTimer); }

  #markedDefault(tracks: readonly TextTrack[]): TextTrack | undefined {
    const el = Array.from(this.#host.video.querySelectorAll('track')).find((t) => t.default && tracks.includes(t.track));
    return el?.track;
  }

  /** The choice was applied to every track there is, and the engines had time to pick their defaults. */
  #settled(): boolean {
    return performance.now() >= this.#settleUntil && this.tracks.every((t) => this.#applied.has(t));
  }

  #tracksAppeared(): void {
    this.#settleUntil = performance.now() + SETTLE_MS;
    // Tracks come in bursts (one addtrack each): choose once they are all there.
    clearTimeout(this.#applyTimer);
    this.#applyTimer = setTimeout(() => this.apply(), 0);
  }

  #onChange(): void {
    if (this.#selecting) return;
    if (!this.#settled()) {
      const want = this.#session ?? this.#choice;
      const shown = this.shown;
      const contradicts = want === 'off' ? shown !== null : want !== null && shown !== null && shown !== trackForLang(this.tracks, want);
      if (contradicts) { this.apply(); return; }
    }
    this.#report();
  }

  #show(track: TextTrack | null): void {
    this.#selecting = true;
    try {
      // Others disabled, not hidden: hls.js loads fragments for a hidden track too.
      for (const t of this.tracks) if (t !== track && t.mode !== 'disabled') t.mode = 'disabled';
      if (track && track.mode !== 'showing') track.mode = 'showing';
    } finally { this.#selecting = false; }
    if (this.tracks.length > 0) this.#session = track ? track.language || track.label : 'off';
    this.#report();
  }

  /** Fires `changed` when the shown track is not the one last reported. */
  #report(): void {
    const shown = this.shown;
    // Tracks going away (an engine change) are not a choice; nor is what an engine picks while tracks settle.
    if (this.tracks.length > 0 && this.#settled()) this.#session = shown ? shown.language || shown.label : 'off';
    if (shown === this.#shown) return;
    this.#shown = shown;
    this.#host.changed({ lang: shown ? shown.language || null : null, label: shown ? shown.label || null : null });
  }
}

/** What the player needs of a status document caption track (`captions[]`). */
export interface CaptionSource { lang: string; label: string; kind: 'subtitles' | 'captions'; default: boolean; url: string }

const isCaptionSource = (v: unknown): v is CaptionSource => {
  const c = v as Partial<Record<keyof CaptionSource, unknown>> | null;
  return typeof c === 'object' && c !== null && typeof c.lang === 'string' && typeof c.label === 'string'
    && (c.kind === 'subtitles' || c.kind === 'captions') && typeof c.url === 'string';
};

/** The status document's caption tracks; [] from a server that does not list them. */
export function captionsOf(doc: object | null | undefined): CaptionSource[] {
  const list = (doc as { captions?: unknown } | null | undefined)?.captions;
  return Array.isArray(list) ? list.filter(isCaptionSource).map((c) => ({ ...c, default: c.default === true })) : [];
}

/** Attribute marking the `<track>` elements the player attached (removed with the engine's source). */
const OWN = 'data-sluice-captions';

/**
 * One `<track>` per caption of the status document (the MP4 fallback and a
 * browser HLS without subtitle renditions). The URLs are signed: `crossorigin`
 * is set on the video when they point at another origin (WebVTT tracks are
 * CORS requests in that case; the page's own choice of credentials is kept).
 */
export function attachCaptionTracks(video: HTMLVideoElement, captions: readonly CaptionSource[]): HTMLTrackElement[] {
  removeCaptionTracks(video);
  const out: HTMLTrackElement[] = [];
  for (const c of captions) {
    const el = document.createElement('track');
    el.setAttribute(OWN, '');
    el.kind = c.kind;
    el.label = c.label;
    el.srclang = c.lang;
    el.src = c.url;
    if (c.default) el.default = true;
    video.append(el);
    out.push(el);
    try {
      if (new URL(c.url, document.baseURI).origin !== location.origin && !video.hasAttribute('crossorigin')) video.setAttribute('crossorigin', 'anonymous');
    } catch { /* a malformed URL fails on its own when loaded */ }
  }
  return out;
}

export function removeCaptionTracks(video: HTMLVideoElement): void {
  for (const el of video.querySelectorAll(`track[${OWN}]`)) el.remove();
}
