/**
 * The captions menu, `c`, the per-site memory and `captions-change`, on a
 * plain .mp4 (static server, no Sluice) with tracks the page adds through
 * the mirrored `addTextTrack()`.
 */
import { expect } from '@open-wc/testing';
import '../src/index.js';
import { CAPTIONS_KEY } from '../src/captions.js';
import type { CaptionsChangeDetail } from '../src/captions.js';
import type { VideoStreamPlayer } from '../src/video-stream-player.js';
import { cleanup, command, next, player, until } from './helpers.js';

const base = async (): Promise<string> => (await command<{ url: string }>('player-static')).url;

/** A player with an English and a Portuguese track (cue 1–3 s each). */
async function withTracks(): Promise<VideoStreamPlayer> {
  const el = player({ src: `${await base()}/clip.mp4`, controls: '', muted: '' });
  await next(el, 'loadedmetadata');
  for (const [label, lang, text] of [['English', 'en', 'Hello'], ['Português', 'pt-BR', 'Olá']] as const) {
    const t = el.addTextTrack('subtitles', label, lang);
    t.mode = 'hidden';
    t.addCue(new VTTCue(1, 3, text));
    t.mode = 'disabled';
  }
  await until(() => el.shadowRoot!.querySelector('[part="captions-button"]') !== null, 'the captions button');
  return el;
}

const q = <T extends Element>(el: VideoStreamPlayer, sel: string): T | null => el.shadowRoot!.querySelector<T>(sel);
const items = (el: VideoStreamPlayer): HTMLElement[] => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part="captions-item"]'));
const showing = (el: VideoStreamPlayer): string[] => Array.from(el.textTracks).filter((t) => t.mode === 'showing').map((t) => t.language);
const key = (target: Element, k: string): void => { target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true })); };

describe('<video-stream-player> captions menu', () => {
  beforeEach(() => localStorage.removeItem(CAPTIONS_KEY));
  afterEach(() => { cleanup(); localStorage.removeItem(CAPTIONS_KEY); });

  it('opens a menu of Off + each track, chooses with the keyboard, closes with Escape returning focus, remembers the choice', async () => {
    const el = await withTracks();
    const changes: CaptionsChangeDetail[] = [];
    el.addEventListener('captions-change', (e) => changes.push((e as CustomEvent<CaptionsChangeDetail>).detail));
    const button = q<HTMLButtonElement>(el, '[part="captions-button"]')!;
    expect(button.getAttribute('aria-haspopup')).to.equal('menu');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.click();
    await el.updateComplete;
    const menu = q<HTMLElement>(el, '[part="captions-menu"]')!;
    expect(menu.getAttribute('role')).to.equal('menu');
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(items(el).map((b) => [b.textContent, b.getAttribute('role'), b.getAttribute('aria-checked')])).to.deep.equal([
      ['Off', 'menuitemradio', 'true'], ['English', 'menuitemradio', 'false'], ['Português', 'menuitemradio', 'false'],
    ]);
    // Focus is on the checked item ("Off"); ↓ ↓ reaches Português, Enter chooses it and closes the menu.
    expect(el.shadowRoot!.activeElement).to.equal(items(el)[0]);
    key(el.shadowRoot!.activeElement!, 'ArrowDown');
    key(el.shadowRoot!.activeElement!, 'ArrowDown');
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Português');
    key(el.shadowRoot!.activeElement!, 'Enter');
    await el.updateComplete;
    expect(q(el, '[part="captions-menu"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expect(showing(el)).to.deep.equal(['pt-BR']);
    expect(localStorage.getItem(CAPTIONS_KEY)).to.equal('pt-BR');
    await until(() => changes.length > 0, 'captions-change');
    expect(changes.at(-1)).to.deep.equal({ lang: 'pt-BR', label: 'Português' });
    // ↑ on the button opens at the last item; Escape closes without choosing and gives focus back.
    key(button, 'ArrowUp');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Português');
    key(el.shadowRoot!.activeElement!, 'ArrowDown');
    expect(el.shadowRoot!.activeElement?.textContent, 'arrows wrap').to.equal('Off');
    key(el.shadowRoot!.activeElement!, 'Escape');
    await el.updateComplete;
    expect(q(el, '[part="captions-menu"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expect(showing(el)).to.deep.equal(['pt-BR']);
    // A cue shows at its time: the browser renders it from the chosen track.
    el.currentTime = 2;
    await next(el, 'seeked');
    const pt = Array.from(el.textTracks).find((t) => t.language === 'pt-BR')!;
    await until(() => (pt.activeCues?.length ?? 0) > 0, 'an active cue');
    expect((pt.activeCues![0] as VTTCue).text).to.equal('Olá');
  });

  it('c toggles: on → the remembered track, off → off; the choice is applied to the tracks of the next player (reload)', async () => {
    localStorage.setItem(CAPTIONS_KEY, 'pt-BR');
    const el = await withTracks();
    await until(() => showing(el).length === 1, 'the remembered track shown');
    expect(showing(el)).to.deep.equal(['pt-BR']);
    const root = q<HTMLElement>(el, '[part="root"]')!;
    key(root, 'c');
    expect(showing(el)).to.deep.equal([]);
    expect(localStorage.getItem(CAPTIONS_KEY)).to.equal('off');
    key(root, 'c');
    expect(showing(el)).to.deep.equal(['pt-BR']);
    key(root, 'c');
    el.remove();
    // "off" remembered: a new player keeps captions off…
    const again = await withTracks();
    await new Promise((r) => setTimeout(r, 100));
    expect(showing(again)).to.deep.equal([]);
    // …and `c` there shows the first track (nothing else remembered, no default).
    key(q<HTMLElement>(again, '[part="root"]')!, 'c');
    expect(showing(again)).to.deep.equal(['en']);
    expect(localStorage.getItem(CAPTIONS_KEY)).to.equal('en');
  });

  it('works when storage refuses (private mode)', async () => {
    const setItem = Object.getOwnPropertyDescriptor(Storage.prototype, 'setItem')!;
    Object.defineProperty(Storage.prototype, 'setItem', { configurable: true, value: () => { throw new DOMException('quota', 'QuotaExceededError'); } });
    try {
      const el = await withTracks();
      key(q<HTMLElement>(el, '[part="root"]')!, 'c');
      expect(showing(el)).to.deep.equal(['en']);
    } finally {
      Object.defineProperty(Storage.prototype, 'setItem', setItem);
    }
  });

  it('passes an axe accessibility audit with the captions menu open', async () => {
    const el = await withTracks();
    q<HTMLButtonElement>(el, '[part="captions-button"]')!.click();
    await el.updateComplete;
    expect(q(el, '[part="captions-menu"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });
});
