/**
 * The Captions card: the video's text tracks as the status document lists
 * them, and a form that adds one (POST /api/videos/:id/captions). Labels,
 * languages and file names are Lit text bindings only: a label such as
 * `<img src=x onerror=alert(1)>` shows as those characters.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CaptionTrack } from '../api.js';

export interface CaptionsState { busy: boolean; error: string | null; added: string | null }

export interface CaptionsActions {
  /** The form's file, language and label. */
  add(file: File, lang: string, label: string): void;
}

function onSubmit(e: SubmitEvent, actions: CaptionsActions): void {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const data = new FormData(form);
  const file = data.get('file');
  if (!(file instanceof File) || file.size === 0) return;
  actions.add(file, String(data.get('lang') ?? '').trim(), String(data.get('label') ?? '').trim());
}

export function renderCaptions(captions: readonly CaptionTrack[], state: CaptionsState, actions: CaptionsActions): TemplateResult {
  return html`<section class="card captions-card" aria-labelledby="captions-title">
    <h2 id="captions-title">Captions</h2>
    ${captions.length
      ? html`<table class="captions" data-testid="captions"><thead><tr><th scope="col">Label</th><th scope="col">Language</th><th scope="col">Kind</th><th scope="col">Source</th></tr></thead>
          <tbody>${captions.map((c) => html`<tr data-lang=${c.lang}><td>${c.label}${c.default ? ' (default)' : ''}</td><td>${c.lang}</td><td>${c.kind}</td><td>${c.source}</td></tr>`)}</tbody></table>`
      : html`<p class="muted">No text tracks yet.</p>`}
    <form class="caption-form" data-testid="caption-form" @submit=${(e: SubmitEvent) => onSubmit(e, actions)}>
      <label>WebVTT or SRT file <input type="file" name="file" accept=".vtt,.srt,text/vtt" required></label>
      <label>Language <input name="lang" required placeholder="en" pattern="[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*" size="8"></label>
      <label>Label <input name="label" placeholder="English"></label>
      <button class="button small" ?disabled=${state.busy}>${state.busy ? 'Adding…' : 'Add track'}</button>
    </form>
    ${state.error ? html`<div class="alert error" role="alert" data-testid="caption-error">${state.error}</div>` : nothing}
    ${state.added ? html`<p class="muted" role="status">${state.added}</p>` : nothing}
  </section>`;
}
