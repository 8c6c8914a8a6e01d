/**
 * How one queued file looks: name, a two-layer progress bar (sent vs
 * accepted by the server), a status line and its buttons.
 */
import { html, type TemplateResult } from 'lit';
import type { UploadItem, UploadStatus } from './upload-item.js';
import { formatBytes, formatDuration } from './validation.js';

export interface ItemActions {
  remove(item: UploadItem): void;
}

const CAPTION_LABEL = { pending: 'waiting for the video', sending: 'sending…', sent: 'added', failed: 'refused' } as const;

const pct = (part: number, whole: number): number => (whole > 0 ? Math.min(100, (part / whole) * 100) : 0);

const LABEL: Partial<Record<UploadStatus, string>> = {
  queued: 'Waiting',
  paused: 'Paused',
  offline: 'Offline — waiting for the connection',
  ready: 'Ready',
  cancelled: 'Cancelled',
};

/** The status line a person reads (also the progress bar's aria-valuetext). */
export function describe(item: UploadItem): string {
  const { status, error } = item;
  if (status === 'retrying') return `${error?.message ?? 'Connection problem'} Retrying…`;
  if (status === 'failed') return error?.message ?? 'Failed';
  if (status === 'processing') return `Processing${item.processingProgress ? ` ${Math.round(item.processingProgress * 100)}%` : '…'}`;
  const label = LABEL[status];
  if (label) return label;
  const parts = [`${formatBytes(item.bytesAccepted)} of ${formatBytes(item.bytesTotal)}`];
  if (item.bytesSent > item.bytesAccepted) parts[0] += ` (${formatBytes(item.bytesSent)} sent)`;
  if (item.speed > 0) parts.push(`${formatBytes(item.speed)}/s`);
  if (item.eta !== null && item.speed > 0) parts.push(`${formatDuration(item.eta)} left`);
  return parts.join(' · ');
}

const button = (label: string, name: string, part: string, onClick: () => void): TemplateResult =>
  html`<button type="button" part="button ${part}" aria-label="${label} ${name}" @click=${onClick}>${label}</button>`;

export function renderItem(item: UploadItem, actions: ItemActions): TemplateResult {
  const name = item.file.name;
  const processing = item.status === 'processing' || item.status === 'ready';
  const accepted = processing ? pct(item.processingProgress ?? 0, 1) : pct(item.bytesAccepted, item.bytesTotal);
  const sent = processing ? accepted : pct(item.bytesSent, item.bytesTotal);
  const text = describe(item);
  const { status } = item;
  return html`<li part="item" data-status=${status}>
    <span part="name">${name}</span>
    <span part="actions">
      ${status === 'uploading' || status === 'queued' || status === 'retrying' || status === 'offline' ? button('Pause', name, 'pause', () => item.pause()) : ''}
      ${status === 'paused' ? button('Resume', name, 'resume', () => item.resume()) : ''}
      ${status === 'failed' && (!item.uploaded || item.error?.code === 'SLUICE_ERR_UPLOAD_STATUS_LOST') ? button('Retry', name, 'retry', () => item.retry()) : ''}
      ${item.uploaded || status === 'cancelled' || status === 'failed'
        ? button('Remove', name, 'remove', () => actions.remove(item))
        : button('Cancel', name, 'cancel', () => void item.cancel())}
    </span>
    <div part="progress" role="progressbar" aria-label="${processing ? 'Processing' : 'Upload'} of ${name}"
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(accepted)} aria-valuetext=${text}>
      <span part="progress-sent" style="width:${sent}%"></span>
      <span part="progress-accepted" style="width:${accepted}%"></span>
    </div>
    <span part="status">${text}</span>
    ${item.captions.length ? html`<ul part="captions">${item.captions.map((c) => html`<li part="caption" data-status=${c.status}>
      ${c.file.name} (${c.lang}): ${c.error ? c.error.message : CAPTION_LABEL[c.status]}</li>`)}</ul>` : ''}
  </li>`;
}
