/**
 * The element without Sluice: plain .mp4 and .m3u8 from a static server
 * (ffmpeg-made in test/support/player-media.mjs), controls, keyboard, ARIA.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { VideoStreamPlayer } from '../src/video-stream-player.js';
import { cleanup, command, next, playedTo, player, until } from './helpers.js';

const base = async (): Promise<string> => (await command<{ url: string }>('player-static')).url;

describe('<video-stream-player> without Sluice', () => {
  afterEach(cleanup);

  it('plays a plain .m3u8 with hls.js and re-dispatches native media events', async () => {
    const el = player({ src: `${await base()}/hls/master.m3u8`, muted: '', autoplay: '' });
    await next(el, 'playing');
    expect(el.engine).to.equal('hls.js');
    expect(el.levels.map((l) => l.height).sort()).to.deep.equal([180, 360]);
    await playedTo(el, 1);
    expect(el.paused).to.equal(false);
    expect(el.duration).to.be.closeTo(60, 0.5);
  });

  it('plays a plain .mp4 progressively and honours start-time', async () => {
    const el = player({ src: `${await base()}/clip.mp4`, muted: '', autoplay: '', 'start-time': '5' });
    await next(el, 'playing');
    expect(el.engine).to.equal('progressive');
    expect(el.currentTime).to.be.at.least(4.9);
  });

  it('mirrors HTMLMediaElement properties onto the shadow <video>', async () => {
    const el = player({ src: `${await base()}/clip.mp4`, muted: '' });
    await next(el, 'loadedmetadata');
    expect(el.video.muted).to.equal(true);
    el.volume = 0.3; el.playbackRate = 1.5; el.currentTime = 4;
    expect(el.video.volume).to.equal(0.3);
    expect(el.video.playbackRate).to.equal(1.5);
    await next(el, 'seeked');
    expect(el.currentTime).to.be.closeTo(4, 0.1);
    expect(el.shadowRoot?.querySelector('video[part="video"]')).to.equal(el.video);
  });

  it('keyboard shortcuts: k plays and pauses, l skips 10 s, m mutes', async () => {
    const el = player({ src: `${await base()}/clip.mp4`, controls: '' });
    await next(el, 'loadedmetadata');
    const root = el.shadowRoot!.querySelector<HTMLElement>('[part="root"]')!;
    const key = (k: string): void => { root.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true })); };
    el.muted = true;
    key('k');
    await next(el, 'playing');
    key('k');
    expect(el.paused).to.equal(true);
    key('l');
    await next(el, 'seeked');
    expect(el.currentTime).to.be.closeTo(10, 1);
    key('m');
    expect(el.muted).to.equal(false);
  });

  it('passes an axe accessibility audit with controls, and native controls replace them', async () => {
    const el = await fixture<VideoStreamPlayer>(html`<video-stream-player controls src=${`${await base()}/hls/master.m3u8`} muted></video-stream-player>`);
    await next(el, 'loadedmetadata');
    await until(() => el.levels.length === 2, 'levels');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="quality-menu"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
    el.setAttribute('controls', 'native');
    await el.updateComplete;
    expect(el.video.controls).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part="controls"]')).to.equal(null);
  });

  it('shows an accessible error when nothing can play the source', async () => {
    const el = player({ src: `${await base()}/missing.mp4` });
    const e = await next<CustomEvent>(el, 'stream-error');
    expect(e.detail.fatal).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent).to.match(/failed/i);
  });

  it('imports on a server (SSR) without touching the DOM', async () => {
    const r = await command<{ ok: boolean; error?: string }>('player-ssr-import');
    expect(r.error ?? '').to.equal('');
    expect(r.ok).to.equal(true);
  });
});
