/**
 * The captions button and its menu (WAI-ARIA APG "menu button"): a button
 * with aria-haspopup/aria-expanded opening a role=menu of menuitemradio
 * items — "Off" and one per track. ↑/↓/Home/End move, Enter/Space choose,
 * Escape (or Tab) closes and gives focus back to the button. Labels are
 * text bindings: a track label is never markup.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';

export interface CaptionsMenuView {
  /** Each caption track's label (its language when it has no label). */
  items: readonly { label: string; lang: string }[];
  /** Index into `items` of the track shown, -1 for off. */
  selected: number;
  open: boolean;
}

/** Where focus goes after the menu opens or closes. */
export type MenuFocus = 'selected' | 'first' | 'last' | 'button';

export interface CaptionsMenuActions {
  /** Open or close the menu; `focus` says which item takes focus on open ('selected', 'first', 'last'). */
  setOpen(open: boolean, focus?: 'selected' | 'first' | 'last'): void;
  /** -1 for off. */
  choose(index: number): void;
}

const CC = 'M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1z';

/** Moves focus between the menu's items (APG: arrows wrap, Home/End jump). */
function onMenuKey(e: KeyboardEvent, a: CaptionsMenuActions): void {
  const menu = e.currentTarget as HTMLElement;
  const items = Array.from(menu.querySelectorAll<HTMLElement>('[role="menuitemradio"]'));
  const root = menu.getRootNode() as Document | ShadowRoot;
  const at = items.indexOf(root.activeElement as HTMLElement);
  const focus = (i: number): void => items[(i + items.length) % items.length]?.focus();
  switch (e.key) {
    case 'ArrowDown': focus(at + 1); break;
    case 'ArrowUp': focus(at - 1); break;
    case 'Home': focus(0); break;
    case 'End': focus(items.length - 1); break;
    case 'Escape': a.setOpen(false); break;
    case 'Tab': a.setOpen(false); return;
    case 'Enter': case ' ': if (at >= 0) a.choose(at - 1); break;
    default: return;
  }
  // The player's own shortcuts (arrows seek, space plays) must not see these.
  e.preventDefault();
  e.stopPropagation();
}

function onButtonKey(e: KeyboardEvent, a: CaptionsMenuActions): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  e.stopPropagation();
  a.setOpen(true, e.key === 'ArrowDown' ? 'first' : 'last');
}

export function renderCaptionsMenu(v: CaptionsMenuView, a: CaptionsMenuActions): TemplateResult | typeof nothing {
  if (v.items.length === 0) return nothing;
  const item = (label: string, index: number, lang?: string): TemplateResult => html`<button part="captions-item" role="menuitemradio"
    tabindex="-1" lang=${lang || nothing} aria-checked=${String(v.selected === index)} @click=${() => a.choose(index)}>${label}</button>`;
  return html`<span class="menu-anchor" @focusout=${(e: FocusEvent) => {
    if (v.open && !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) a.setOpen(false);
  }}>
    <button part="captions-button" aria-label="Captions" title="Captions (c)" aria-haspopup="menu" aria-expanded=${String(v.open)}
      aria-controls="captions-menu" class=${v.selected >= 0 ? 'on' : ''}
      @click=${() => a.setOpen(!v.open, 'selected')} @keydown=${(e: KeyboardEvent) => onButtonKey(e, a)}>
      <svg viewBox="0 0 24 24" aria-hidden="true">${svg`<path d=${CC}></path>`}</svg></button>
    ${v.open ? html`<div part="captions-menu" id="captions-menu" class="menu" role="menu" aria-label="Captions"
      @keydown=${(e: KeyboardEvent) => onMenuKey(e, a)}>
      ${item('Off', -1)}${v.items.map((t, i) => item(t.label || t.lang || `Track ${i + 1}`, i, t.lang))}
    </div>` : nothing}
  </span>`;
}

/** The menu button pattern: focus moves into the menu when it opens, back to the button when it closes. */
export function focusCaptionsMenu(root: ParentNode, focus: MenuFocus): void {
  const items = Array.from(root.querySelectorAll<HTMLElement>('[part="captions-item"]'));
  const target = focus === 'button' ? root.querySelector<HTMLElement>('[part="captions-button"]')
    : focus === 'first' ? items[0] : focus === 'last' ? items.at(-1) : items.find((b) => b.getAttribute('aria-checked') === 'true');
  target?.focus();
}
