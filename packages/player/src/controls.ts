/**
 * The built-in controls, as a Lit template over a plain view model: state
 * flows in, intent flows out through `actions` (the element applies it).
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { renderCaptionsMenu, type CaptionsMenuActions, type CaptionsMenuView } from './captions-menu.js';
import type { QualityLevel } from './engine.js';
import type { Thumbnail } from './storyboard.js';

export interface ControlsView {
  paused: boolean; currentTime: number; duration: number; volume: number; muted: boolean; rate: number;
  levels: readonly QualityLevel[]; level: number; currentLevel: number;
  captions: CaptionsMenuView; pip: boolean; fullscreen: boolean;
  preview: { time: number; fraction: number; thumb: Thumbnail | undefined } | null;
}

export interface ControlsActions {
  togglePlay(): void; seek(time: number): void; setVolume(v: number): void; toggleMute(): void;
  setLevel(index: number): void; setRate(rate: number): void; captions: CaptionsMenuActions;
  togglePip(): void; toggleFullscreen(): void; preview(fraction: number | null): void;
}

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** `m:ss` or `h:mm:ss`. */
export function formatTime(t: number): string {
  if (!Number.isFinite(t) || t < 0) return '0:00';
  const s = Math.floor(t % 60), m = Math.floor((t / 60) % 60), h = Math.floor(t / 3600);
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const icon = (d: string): TemplateResult => html`<svg viewBox="0 0 24 24" aria-hidden="true">${svg`<path d=${d}></path>`}</svg>`;
const I = {
  play: 'M8 5v14l11-7z', pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
  vol: 'M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z',
  mute: 'M3 9v6h4l5 5V4L7 9zm18.5 1.4-1.4-1.4L18 11.1 15.9 9l-1.4 1.4 2.1 2.1-2.1 2.1 1.4 1.4 2.1-2.1 2.1 2.1 1.4-1.4-2.1-2.1z',
  pip: 'M19 11h-8v6h8zm4 8V5a2 2 0 0 0-2-2H3a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h18a2 2 0 0 0 2-2zm-2 0H3V5h18z',
  fs: 'M7 14H5v5h5v-2H7zm-2-4h2V7h3V5H5zm12 7h-3v2h5v-5h-2zM14 5v2h3v3h2V5z',
  fsExit: 'M5 16h3v3h2v-5H5zm3-8H5v2h5V5H8zm6 11h2v-3h3v-2h-5zm2-11V5h-2v5h5V8z',
};

function preview(v: ControlsView): TemplateResult | typeof nothing {
  const p = v.preview;
  if (!p) return nothing;
  const t = p.thumb;
  return html`<div part="preview" class="preview" style="left:${(p.fraction * 100).toFixed(2)}%" aria-hidden="true">
    ${t ? html`<div part="thumbnail" class="thumb"
      style="width:${t.w}px;height:${t.h}px;background-image:url('${t.url}');background-position:-${t.x}px -${t.y}px"></div>` : nothing}
    <span>${formatTime(p.time)}</span></div>`;
}

/** The actions that only touch the `<video>`. */
export function videoActions(v: HTMLVideoElement): Pick<ControlsActions, 'togglePlay' | 'seek' | 'setVolume' | 'toggleMute' | 'togglePip'> {
  return {
    togglePlay: () => { if (v.paused) v.play().catch(() => undefined); else v.pause(); },
    seek: (t) => { v.currentTime = t; },
    setVolume: (x) => { v.volume = x; v.muted = x === 0; },
    toggleMute: () => { v.muted = !v.muted; },
    togglePip: () => {
      if (document.pictureInPictureElement === v) document.exitPictureInPicture().catch(() => undefined);
      else v.requestPictureInPicture().catch(() => undefined);
    },
  };
}

export function renderControls(v: ControlsView, a: ControlsActions): TemplateResult {
  const duration = Number.isFinite(v.duration) ? v.duration : 0;
  const fraction = (e: PointerEvent): number => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return Math.min(1, Math.max(0, (e.clientX - r.left) / (r.width || 1)));
  };
  const playLabel = v.paused ? 'Play' : 'Pause';
  return html`<div part="controls" class="controls">
    <div class="seek">
      ${preview(v)}
      <input part="seek-bar" type="range" min="0" max=${duration || 1} step="any" .value=${String(v.currentTime)}
        aria-label="Seek" aria-valuetext=${`${formatTime(v.currentTime)} of ${formatTime(duration)}`}
        ?disabled=${!duration}
        @input=${(e: Event) => a.seek(Number((e.target as HTMLInputElement).value))}
        @pointermove=${(e: PointerEvent) => a.preview(fraction(e))} @pointerleave=${() => a.preview(null)}>
    </div>
    <div class="bar">
      <button part="play-button" aria-label=${playLabel} title=${`${playLabel} (k)`} @click=${a.togglePlay}>${icon(v.paused ? I.play : I.pause)}</button>
      <button part="mute-button" aria-label=${v.muted ? 'Unmute' : 'Mute'} title="Mute (m)" @click=${a.toggleMute}>${icon(v.muted || v.volume === 0 ? I.mute : I.vol)}</button>
      <input part="volume" class="volume" type="range" min="0" max="1" step="0.05" aria-label="Volume"
        .value=${String(v.muted ? 0 : v.volume)} @input=${(e: Event) => a.setVolume(Number((e.target as HTMLInputElement).value))}>
      <span part="time" class="time" role="timer" aria-live="off">${formatTime(v.currentTime)} / ${formatTime(duration)}</span>
      <span class="spacer"></span>
      ${renderCaptionsMenu(v.captions, a.captions)}
      ${v.levels.length > 1 ? html`<select part="quality-menu" aria-label="Quality" @change=${(e: Event) => a.setLevel(Number((e.target as HTMLSelectElement).value))}>
        <option value="-1" ?selected=${v.level === -1}>Auto${v.level === -1 && v.levels[v.currentLevel] ? ` (${v.levels[v.currentLevel]?.name})` : ''}</option>
        ${[...v.levels].sort((x, y) => y.height - x.height || y.bitrate - x.bitrate).map((l) => html`<option value=${l.index} ?selected=${v.level === l.index}>${l.name}</option>`)}
      </select>` : nothing}
      <select part="rate-menu" aria-label="Playback speed" @change=${(e: Event) => a.setRate(Number((e.target as HTMLSelectElement).value))}>
        ${RATES.map((r) => html`<option value=${r} ?selected=${v.rate === r}>${r === 1 ? 'Normal' : `${r}×`}</option>`)}
      </select>
      ${v.pip ? html`<button part="pip-button" aria-label="Picture in picture" @click=${a.togglePip}>${icon(I.pip)}</button>` : nothing}
      <button part="fullscreen-button" aria-label=${v.fullscreen ? 'Exit full screen' : 'Full screen'} title="Full screen (f)" @click=${a.toggleFullscreen}>${icon(v.fullscreen ? I.fsExit : I.fs)}</button>
    </div>
  </div>`;
}
