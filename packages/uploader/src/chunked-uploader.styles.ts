import { css } from 'lit';

/** Shadow styles of `<chunked-uploader>`; every colour and size is a `--sluice-*` custom property. */
export const styles = css`
  :host {
    display: block;
    font: var(--sluice-font, inherit);
    color: var(--sluice-color, inherit);
  }
  :host([hidden]) { display: none; }
  [part='drop-zone'] {
    border: var(--sluice-drop-border, 2px dashed #8a8f98);
    border-radius: var(--sluice-radius, 8px);
    background: var(--sluice-drop-background, transparent);
    padding: var(--sluice-drop-padding, 1.5rem);
    text-align: center;
  }
  [part~='dragging'] {
    border-color: var(--sluice-accent, #2563eb);
    background: var(--sluice-drop-active-background, #2563eb14);
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 1px solid var(--sluice-accent, #2563eb);
    border-radius: var(--sluice-radius, 8px);
    background: var(--sluice-button-background, #fff);
    color: var(--sluice-button-color, #1d4ed8);
    padding: 0.25rem 0.75rem;
  }
  button:focus-visible { outline: 2px solid var(--sluice-accent, #2563eb); outline-offset: 2px; }
  button:disabled { cursor: not-allowed; opacity: 0.6; }
  ul { list-style: none; margin: var(--sluice-gap, 0.75rem) 0 0; padding: 0; display: grid; gap: var(--sluice-gap, 0.75rem); }
  li { display: grid; grid-template-columns: 1fr auto; gap: 0.25rem 0.75rem; align-items: center; }
  [part='name'] { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  [part='progress'] {
    grid-column: 1 / -1;
    position: relative;
    height: var(--sluice-progress-height, 6px);
    border-radius: 999px;
    background: var(--sluice-track, #e5e7eb);
    overflow: hidden;
  }
  [part='progress'] > span { position: absolute; inset: 0 auto 0 0; }
  [part='progress-sent'] { background: var(--sluice-sent, #93c5fd); }
  [part='progress-accepted'] { background: var(--sluice-accent, #2563eb); }
  [data-status='ready'] [part='progress-accepted'] { background: var(--sluice-success, #15803d); }
  [data-status='failed'] [part='progress-accepted'] { background: var(--sluice-error, #b91c1c); }
  [part='status'] { grid-column: 1 / -1; font-size: 0.875em; color: var(--sluice-muted, #4b5563); }
  [part='captions'] { grid-column: 1 / -1; margin: 0; padding: 0 0 0 1rem; font-size: 0.875em; color: var(--sluice-muted, #4b5563); }
  [part='caption'][data-status='failed'] { color: var(--sluice-error, #b91c1c); }
  [data-status='failed'] [part='status'] { color: var(--sluice-error, #b91c1c); }
  [part='actions'] { display: flex; gap: 0.5rem; }
  [part~='message'] { margin: var(--sluice-gap, 0.75rem) 0 0; }
  [part~='message']:empty { margin: 0; }
  [part~='error'] { color: var(--sluice-error, #b91c1c); }
  input { display: none; }
`;
