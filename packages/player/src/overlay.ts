/**
 * What sits over the video: the error (role=alert), the processing state
 * (poster + progress fed by the status events), or the buffering spinner.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { StreamErrorDetail } from './events.js';
import type { VideoStatus } from './status.js';

export interface OverlayState {
  error: StreamErrorDetail | null;
  status: VideoStatus | null;
  poster: string;
  buffering: boolean;
}

const LABELS: Partial<Record<VideoStatus['status'], string>> = { uploading: 'Uploading…', queued: 'Waiting to process…' };

export function renderOverlay({ error, status, poster, buffering }: OverlayState): TemplateResult | typeof nothing {
  if (error) {
    return html`<div class="overlay"><div class="status error" part="error" role="alert">${error.message}</div></div>`;
  }
  if (status && !status.playable && status.status !== 'failed') {
    const image = poster || status.poster;
    const progress = status.progress || 0;
    return html`<div class="overlay">
      ${image ? html`<img part="poster" class="poster" src=${image} alt="" @error=${(e: Event) => { (e.target as HTMLElement).hidden = true; }}>` : nothing}
      <div class="status" role="status"><span>${LABELS[status.status] ?? 'Processing…'} ${Math.round(progress * 100)}%</span>
        <progress part="progress" max="1" .value=${progress} aria-label="Processing progress"></progress></div></div>`;
  }
  if (buffering) return html`<div class="overlay"><div part="spinner" class="spinner" role="status" aria-label="Buffering"></div></div>`;
  return nothing;
}
