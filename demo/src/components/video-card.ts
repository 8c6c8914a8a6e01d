/**
 * One video in the Library: poster, title, status with live progress,
 * duration, size, renditions and actions. A pure template over the status
 * document; the page owns the data.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { VideoDoc } from '../api.js';
import { formatBitrate, formatDuration, percent, STATUS_LABEL } from '../format.js';
import { href } from '../router.js';

export interface CardActions { remove(doc: VideoDoc): void }

function thumbnail(doc: VideoDoc): TemplateResult {
  const busy = doc.status === 'queued' || doc.status === 'processing' || doc.status === 'uploading';
  return html`<a class="card-media" href=${href.watch(doc.id)} tabindex="-1" aria-hidden="true">
    ${doc.poster
      ? html`<img src=${doc.poster} alt="" loading="lazy" decoding="async">`
      : html`<div class="card-placeholder ${busy ? 'busy' : ''}">
          <svg viewBox="0 0 24 24"><path d=${doc.status === 'failed' ? 'M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z' : 'M8 5v14l11-7z'}></path></svg>
        </div>`}
    ${doc.duration !== undefined ? html`<span class="duration-badge">${formatDuration(doc.duration)}</span>` : nothing}
  </a>`;
}

function progress(doc: VideoDoc): TemplateResult | typeof nothing {
  if (doc.status !== 'queued' && doc.status !== 'processing') return nothing;
  const label = doc.status === 'queued' ? 'Waiting for the encoder' : `Encoding ${percent(doc.progress)}`;
  return html`<div class="card-progress">
    <div class="progress-label"><span>${label}</span>${doc.playable ? html`<span class="hint">playable now</span>` : nothing}</div>
    <progress max="1" .value=${doc.progress} aria-label=${`Processing ${doc.title}`}></progress>
  </div>`;
}

export function videoCard(doc: VideoDoc, actions: CardActions): TemplateResult {
  const size = doc.width && doc.height ? `${doc.width}×${doc.height}` : '';
  return html`<article class="card video-card" data-video-id=${doc.id} data-status=${doc.status} aria-labelledby=${`title-${doc.id}`}>
    ${thumbnail(doc)}
    <div class="card-body">
      <div class="card-title-row">
        <h2 class="card-title" id=${`title-${doc.id}`}><a href=${href.watch(doc.id)}>${doc.title || 'Untitled video'}</a></h2>
        <span class="status-badge status-${doc.status}" data-testid="status">${STATUS_LABEL[doc.status] ?? doc.status}</span>
      </div>
      <p class="card-meta">
        ${[formatDuration(doc.duration), size].filter((x) => x && x !== '–').join(' · ') || html`<span class="muted">Details appear after probing</span>`}
      </p>
      ${progress(doc)}
      ${doc.status === 'failed' && doc.error
        ? html`<p class="card-error" role="note"><code>${doc.error.code}</code> ${doc.error.message}</p>` : nothing}
      ${doc.renditions.length
        ? html`<ul class="chips" aria-label="Renditions">${doc.renditions.map((r) => html`<li class="chip" title=${`${r.width}×${r.height}, ${formatBitrate(r.bandwidth)}`}>${r.name}</li>`)}</ul>`
        : nothing}
      <div class="card-actions">
        <a class="button primary small" href=${href.watch(doc.id)} ?hidden=${doc.status === 'failed'}>Watch</a>
        <button class="button small danger-ghost" type="button" @click=${() => actions.remove(doc)}
          aria-label=${`Delete ${doc.title || 'video'}`}>Delete</button>
      </div>
    </div>
  </article>`;
}
