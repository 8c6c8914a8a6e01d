/**
 * Captions of a Sluice video on hls.js and on the MP4 fallback, against the
 * real server: cue timing by the media clock, the menu, the remembered
 * choice across players (a reload), expiry recovery and a quality switch.
 */
import { expect } from '@open-wc/testing';
import '../src/index.js';
import { CAPTIONS_KEY, type CaptionsChangeDetail } from '../src/captions.js';
import type { StreamFallbackDetail } from '../src/events.js';
import { urlExpiry } from '../src/signed-url.js';
import type { VideoStatus } from '../src/status.js';
import { cleanup, command, next, playedTo, player, sluice, until, watch } from './helpers.js';
import { captionedVideo, cueActiveAt, CUES, mint, showing, trackOf, type CaptionedVideo } from './captions-support.js';

interface Req { method: string; path: string; query: string; status: number }
const proxy = (target: string): Promise<{ id: string; url: string }> => command('player-proxy', { target });
const proxyLog = (id: string): Promise<Req[]> => command<Req[]>('player-proxy-log', { id });

describe('<video-stream-player> captions with a Sluice server', function () {
  this.timeout(180_000);
  let server = '';
  let video: CaptionedVideo;
  before(async () => {
    server = (await sluice()).url;
    video = await captionedVideo(server);
  });
  beforeEach(() => localStorage.removeItem(CAPTIONS_KEY));
  afterEach(() => { cleanup(); localStorage.removeItem(CAPTIONS_KEY); });

  it('hls.js: the default track shows, and its cue becomes active at its time (±0.3 s of currentTime)', async () => {
    expect(video.status.captions.map((c) => [c.lang, c.default])).to.deep.equal([['en', true], ['fr', false]]);
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '', controls: '' });
    const changes: CaptionsChangeDetail[] = [];
    el.addEventListener('captions-change', (e) => changes.push((e as CustomEvent<CaptionsChangeDetail>).detail));
    const at = cueActiveAt(el, 'en', CUES.two.text);
    await next(el, 'playing');
    expect(el.engine).to.equal('hls.js');
    expect(await at).to.be.closeTo(CUES.two.start, 0.3);
    expect(showing(el)).to.deep.equal(['en']);
    expect(changes.at(-1)).to.deep.equal({ lang: 'en', label: 'English' });
    await el.updateComplete;
    // The menu lists Off + the two tracks by label.
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="captions-button"]')!.click();
    await el.updateComplete;
    const items = Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part="captions-item"]'));
    expect(items.map((i) => [i.textContent, i.getAttribute('aria-checked')])).to.deep.equal([['Off', 'false'], ['English', 'true'], ['Français', 'false']]);
  });

  it('hls.js: choosing French from the menu shows its cues; the choice survives a new player (reload), expiring URLs and a quality switch', async () => {
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, muted: '', controls: '' });
    await until(() => trackOf(el, 'fr') !== undefined, 'hls.js subtitle tracks');
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="captions-button"]')!.click();
    await el.updateComplete;
    Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part="captions-item"]')).find((i) => i.textContent === 'Français')!.click();
    expect(showing(el)).to.deep.equal(['fr']);
    expect(localStorage.getItem(CAPTIONS_KEY)).to.equal('fr');
    el.remove();

    // A new page view: remembered French, with media URLs that expire every 3 s.
    const t = await mint(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 3 });
    const p = await proxy(server);
    const again = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '', controls: '' });
    const w = watch(again);
    const two = cueActiveAt(again, 'fr', `${CUES.two.text} (fr)`);
    await next(again, 'playing');
    expect(await two).to.be.closeTo(CUES.two.start, 0.3);
    expect(showing(again)).to.deep.equal(['fr']);
    // A quality switch keeps the shown track.
    const other = again.levels.find((l) => l.index !== again.currentLevel)!;
    again.level = other.index;
    const nine = cueActiveAt(again, 'fr', `${CUES.nine.text} (fr)`);
    await until(() => again.currentLevel === other.index, `level ${other.index} playing`);
    expect(await nine).to.be.closeTo(CUES.nine.start, 0.3);
    w.stop();
    expect(showing(again)).to.deep.equal(['fr']);
    expect(w.errors).to.deep.equal([]);
    const reqs = await proxyLog(p.id);
    const segments = reqs.filter((r) => /^\/media\/[^/]+\/captions\/.+\.vtt$/.test(r.path));
    expect(segments.length, 'WebVTT segments went through the proxy').to.be.greaterThan(0);
    expect(segments.filter((r) => r.status !== 200 && r.status !== 410), 'each one answered or expired').to.deep.equal([]);
    expect(reqs.filter((r) => r.path.startsWith('/media/') && r.status >= 400 && r.status !== 410), 'only expiry failures').to.deep.equal([]);
  });

  it('MP4 fallback: <track> elements with freshly signed URLs, crossorigin, the same language re-selected, cues on time', async () => {
    localStorage.setItem(CAPTIONS_KEY, 'fr');
    const p = await proxy(server);
    const t = await mint(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 1 });
    // A 12 s video is 6 segments a level: let two through so playback starts, then break them all.
    await command('player-proxy-faults', { id: p.id, faults: [{ pattern: '^/media/[^/]+/hls/[^/]+/seg_', status: 404, after: 2 }] });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const first = (await next<CustomEvent<VideoStatus>>(el, 'status-change')).detail;
    const fb = await next<CustomEvent<StreamFallbackDetail>>(el, 'stream-fallback');
    expect(el.engine).to.equal('progressive');
    const tracks = Array.from(el.video.querySelectorAll('track'));
    expect(tracks.map((tr) => [tr.kind, tr.srclang, tr.label, tr.default])).to.deep.equal([['subtitles', 'en', 'English', true], ['subtitles', 'fr', 'Français', false]]);
    for (const [i, tr] of tracks.entries()) {
      expect(urlExpiry(tr.src)!, 'signed later than the first status document').to.be.greaterThan(urlExpiry(first.captions[i]!.url)!);
    }
    expect(el.video.getAttribute('crossorigin'), 'the tracks are on another origin').to.equal('anonymous');
    await until(() => showing(el).length > 0, 'a shown track');
    expect(showing(el)).to.deep.equal(['fr']);
    expect(fb.detail.position).to.be.lessThan(6);
    el.currentTime = 4.5;
    const six = cueActiveAt(el, 'fr', `${CUES.six.text} (fr)`);
    await next(el, 'seeked');
    await playedTo(el, 5);
    expect(await six).to.be.closeTo(CUES.six.start, 0.3);
    expect(el.video.querySelector<HTMLTrackElement>('track[srclang="fr"]')!.readyState).to.equal(HTMLTrackElement.LOADED);
  });
});
