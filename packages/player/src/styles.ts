/**
 * Shadow styles. Everything a page may want to change is a `--sluice-*`
 * custom property or reachable through a CSS part.
 */
import { css } from 'lit';

export const playerStyles = css`
  :host {
    display: inline-block; position: relative; box-sizing: border-box; width: 640px; max-width: 100%;
    aspect-ratio: var(--sluice-aspect-ratio, 16 / 9); background: var(--sluice-background, #000);
    color: var(--sluice-controls-color, #fff); font: var(--sluice-font, 13px/1.2 system-ui, sans-serif);
    border-radius: var(--sluice-radius, 0); overflow: hidden;
  }
  :host([hidden]) { display: none; }
  .root { position: absolute; inset: 0; outline: none; }
  .root:focus-visible { box-shadow: inset 0 0 0 2px var(--sluice-accent, #4f9cff); }
  video { width: 100%; height: 100%; display: block; object-fit: var(--sluice-object-fit, contain); background: inherit; }
  .overlay { position: absolute; inset: 0; display: grid; place-items: center; pointer-events: none; }
  .poster { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
  .status { position: relative; display: grid; gap: 8px; justify-items: center; padding: 12px 16px;
    background: var(--sluice-controls-background, rgb(0 0 0 / 0.6)); border-radius: 6px; }
  progress { width: 180px; accent-color: var(--sluice-accent, #4f9cff); }
  .error { pointer-events: auto; max-width: 80%; text-align: center; }
  .spinner { width: 40px; height: 40px; border-radius: 50%; border: 4px solid rgb(255 255 255 / 0.3);
    border-top-color: var(--sluice-accent, #4f9cff); animation: spin 0.9s linear infinite; }
  @keyframes spin { to { transform: rotate(1turn); } }
  .controls { position: absolute; left: 0; right: 0; bottom: 0; padding: 4px 8px 6px;
    background: var(--sluice-controls-background, linear-gradient(transparent, rgb(0 0 0 / 0.75)));
    transition: opacity 0.2s; }
  .root.idle:not(:focus-within) .controls { opacity: 0; }
  .bar { display: flex; align-items: center; gap: 4px; }
  .spacer { flex: 1; }
  button, select { font: inherit; color: inherit; background: transparent; border: 0; border-radius: 4px;
    min-width: 32px; height: 32px; padding: 0 6px; cursor: pointer; }
  select { background: var(--sluice-menu-background, rgb(0 0 0 / 0.5)); }
  option { background: #222; color: #fff; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--sluice-accent, #4f9cff); }
  button[aria-pressed='true'] { color: var(--sluice-accent, #4f9cff); }
  svg { width: 20px; height: 20px; fill: currentColor; vertical-align: middle; }
  input[type='range'] { accent-color: var(--sluice-accent, #4f9cff); }
  .seek { position: relative; }
  .seek input { width: 100%; margin: 0; }
  .volume { width: 72px; }
  .time { font-variant-numeric: tabular-nums; white-space: nowrap; padding: 0 6px; }
  .preview { position: absolute; bottom: 100%; transform: translateX(-50%); display: grid; justify-items: center;
    gap: 2px; pointer-events: none; text-shadow: 0 1px 2px #000; }
  .thumb { border: 2px solid var(--sluice-controls-color, #fff); border-radius: 2px; background-repeat: no-repeat; }
  /* Cues are rendered by the browser (never as markup of ours); these reach them. */
  video::cue { color: var(--sluice-captions-color, #fff); background: var(--sluice-captions-background, rgb(0 0 0 / 0.8));
    font-size: var(--sluice-captions-font-size, inherit); font-family: var(--sluice-captions-font-family, sans-serif); }
  .menu-anchor { position: relative; display: inline-block; }
  .menu { position: absolute; bottom: calc(100% + 4px); right: 0; display: grid; min-width: 140px; padding: 4px 0;
    background: var(--sluice-menu-background, rgb(0 0 0 / 0.85)); border-radius: 6px; z-index: 1; }
  .menu button { text-align: start; border-radius: 0; padding: 0 12px 0 28px; position: relative; white-space: nowrap; }
  .menu button[aria-checked='true']::before { content: '✓'; position: absolute; left: 10px; }
  .menu button:hover, .menu button:focus-visible { background: rgb(255 255 255 / 0.15); }
  button.on { color: var(--sluice-accent, #4f9cff); }
`;
