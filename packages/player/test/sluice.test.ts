/**
 * The element against the real Sluice server the runner started (test/support/
 * wtr-sluice-plugin.mjs), with a fault-injecting proxy in front where a test
 * needs to see or break requests (test/support/player-proxy.mjs).
 */
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { StreamFallbackDetail, StreamResignedDetail } from '../src/events.js';
import type { VideoStatus } from '../src/status.js';
import { urlExpiry } from '../src/signed-url.js';
import { cleanup, command, next, playedTo, player, sluice, until, watch } from './helpers.js';

interface Req { method: string; path: string; query: string; status: number }
interface Video { id: string; token: string }

async function status(server: string, v: Video): Promise<VideoStatus> {
  return (await fetch(`${server}/api/videos/${v.id}?token=${v.token}`)).json() as Promise<VideoStatus>;
}
async function readyVideo(server: string, clip: string): Promise<Video> {
  const v = await command<Video>('player-upload', { server, clip, reuse: true });
  for (let s = await status(server, v); s.status !== 'ready'; s = await status(server, v)) {
    if (s.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return v;
}
const token = async (server: string, claims: Record<string, unknown>): Promise<string> =>
  (await command<{ token: string }>('player-token', { server, ...claims })).token;
const proxy = (target: string): Promise<{ id: string; url: string }> => command('player-proxy', { target });
const proxyLog = (id: string): Promise<Req[]> => command<Req[]>('player-proxy-log', { id });

describe('<video-stream-player> with a Sluice server', function () {
  this.timeout(180_000);
  let server = '';
  let video: Video;
  before(async () => {
    server = (await sluice()).url;
    video = await readyVideo(server, '480p-45s');
  });
  afterEach(cleanup);

  it('plays a Sluice video with hls.js, seeks, and switches level from the quality menu', async () => {
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, controls: '', muted: '', autoplay: '' });
    const statusEvent = next<CustomEvent<VideoStatus>>(el, 'status-change');
    await next(el, 'playing');
    expect((await statusEvent).detail.status).to.equal('ready');
    expect(el.engine).to.equal('hls.js');
    expect(el.levels.length).to.be.at.least(2);
    el.currentTime = 20;
    await next(el, 'seeked');
    expect(el.currentTime).to.be.closeTo(20, 1);
    await playedTo(el, 21);
    // Storyboard thumbnails: hovering the seek bar previews the frame (WebVTT track from the status document).
    const seekBar = el.shadowRoot!.querySelector<HTMLInputElement>('[part="seek-bar"]')!;
    await until(() => {
      const r = seekBar.getBoundingClientRect();
      seekBar.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + r.width / 2, clientY: r.top + 2, bubbles: true }));
      return el.shadowRoot!.querySelector('[part="thumbnail"]') !== null;
    }, 'a storyboard thumbnail');
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="thumbnail"]')!.style.backgroundImage).to.match(/storyboard\.jpg/);
    await el.updateComplete;
    const menu = el.shadowRoot!.querySelector<HTMLSelectElement>('[part="quality-menu"]')!;
    const lowest = el.levels.reduce((a, b) => (b.height < a.height ? b : a));
    const other = el.levels.find((l) => l.index !== el.currentLevel && l.index !== -1) ?? lowest;
    menu.value = String(other.index);
    menu.dispatchEvent(new Event('change'));
    expect(el.level).to.equal(other.index);
    await until(() => el.currentLevel === other.index, `level ${other.index} playing`);
    expect(el.paused).to.equal(false);
  });

  it('plays 30 s through media URLs that expire every 3 s: no error, no backward jump, no stall over 1 s', async () => {
    const p = await proxy(server);
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 3 });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const resigned: StreamResignedDetail[] = [];
    el.addEventListener('stream-resigned', (e) => resigned.push((e as CustomEvent<StreamResignedDetail>).detail));
    const w = watch(el);
    await next(el, 'playing');
    await playedTo(el, 30);
    w.stop();
    const reqs = await proxyLog(p.id);
    const playlistGets = reqs.filter((r) => /\/hls\/[^/]+\.m3u8$/.test(r.path) && !r.path.endsWith('master.m3u8'));
    const perPlaylist = new Map<string, number>();
    for (const r of playlistGets) perPlaylist.set(r.path, (perPlaylist.get(r.path) ?? 0) + 1);
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    expect(w.stallsMs.filter((ms) => ms > 1000)).to.deep.equal([]);
    // The server saw the re-fetches: some media playlist was fetched again to re-sign its URLs.
    expect(Math.max(...perPlaylist.values())).to.be.greaterThan(1);
    expect(reqs.filter((r) => r.path.startsWith('/media/') && r.status >= 400 && r.status !== 410)).to.deep.equal([]);
    // Proactive re-fetches (URLs about to expire) are announced, without polling.
    expect(resigned.some((r) => r.reason === 'expiring' && r.engine === 'hls.js')).to.equal(true);
  });

  it('a new token on a playing element: the playlist is re-fetched with it at once (stream-resigned "token"), no reload', async () => {
    const p = await proxy(server);
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const resigned: StreamResignedDetail[] = [];
    el.addEventListener('stream-resigned', (e) => resigned.push((e as CustomEvent<StreamResignedDetail>).detail));
    await next(el, 'playing');
    await playedTo(el, 2);
    const w = watch(el);
    const loads: string[] = [];
    el.addEventListener('loadstart', () => loads.push('loadstart'));
    const fresh = await token(server, { aud: 'playback', sub: video.id, ttl: '2h' });
    el.token = fresh;
    await until(() => resigned.some((r) => r.reason === 'token'), 'stream-resigned (token)');
    await playedTo(el, el.currentTime + 2);
    w.stop();
    expect(resigned.find((r) => r.reason === 'token')?.engine).to.equal('hls.js');
    expect(loads, 'no reload of the source').to.deep.equal([]);
    expect(w.errors).to.deep.equal([]);
    const withFresh = (await proxyLog(p.id)).filter((r) => /\/hls\/[^/]+\.m3u8$/.test(r.path) && !r.path.endsWith('master.m3u8')
      && new URLSearchParams(r.query).get('token') === fresh);
    expect(withFresh.length, 'a media playlist fetched with the new token').to.be.greaterThan(0);
  });

  it('calls tokenProvider when the JWT is rejected mid-playback and keeps playing', async () => {
    const short = await token(server, { aud: 'playback', sub: video.id, ttl: 4, mediaTtl: 2 });
    let calls = 0;
    const el = player({ src: `${server}/api/videos/${video.id}`, token: short, muted: '', autoplay: '' }, {
      tokenProvider: async () => { calls += 1; return token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 2 }); },
    });
    const w = watch(el);
    await next(el, 'playing');
    await playedTo(el, 12);
    w.stop();
    expect(calls).to.be.at.least(1);
    expect(el.token).to.not.equal(short);
    expect(w.errors).to.deep.equal([]);
  });

  it('fires token-expired without a tokenProvider and resumes when token is set', async () => {
    const short = await token(server, { aud: 'playback', sub: video.id, ttl: 3, mediaTtl: 2 });
    const el = player({ src: `${server}/api/videos/${video.id}`, token: short, muted: '', autoplay: '' });
    const w = watch(el);
    el.addEventListener('token-expired', () => {
      void token(server, { aud: 'playback', sub: video.id, ttl: '1h' }).then((t) => { el.token = t; });
    });
    await next(el, 'playing');
    await next(el, 'token-expired');
    await playedTo(el, 10);
    w.stop();
    expect(w.errors).to.deep.equal([]);
  });

  it('falls back to a freshly signed MP4 (the first one expired) at the same position when segments break', async () => {
    const p = await proxy(server);
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 1 });
    await command('player-proxy-faults', { id: p.id, faults: [{ pattern: '^/media/[^/]+/hls/[^/]+/seg_', status: 404, after: 6 }] });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const original = (await next<CustomEvent<VideoStatus>>(el, 'status-change')).detail.mp4!;
    const fb = await next<CustomEvent<StreamFallbackDetail>>(el, 'stream-fallback');
    expect(fb.detail.from).to.equal('hls.js');
    expect(urlExpiry(fb.detail.to)!).to.be.greaterThan(urlExpiry(original)!);
    // The first URL dies with its 1 s lifetime (valid through its exp second); the fallback signed a later one.
    await until(() => Date.now() >= (urlExpiry(original)! + 1) * 1000, 'the first MP4 URL to expire');
    expect((await fetch(original, { headers: { range: 'bytes=0-0' } })).status).to.equal(410);
    await playedTo(el, fb.detail.position + 1);
    expect(el.engine).to.equal('progressive');
  });

  it('falls back to the MP4 when the master playlist answers 500', async () => {
    const p = await proxy(server);
    await command('player-proxy-faults', { id: p.id, faults: [{ pattern: 'master\\.m3u8$', status: 500 }] });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const fb = await next<CustomEvent<StreamFallbackDetail>>(el, 'stream-fallback');
    expect(fb.detail.reason).to.match(/manifest/i);
    await next(el, 'playing');
    expect(el.engine).to.equal('progressive');
    expect(el.currentSrc).to.match(/video\.mp4/);
  });

  it('falls back to the MP4 at the same position when segments start answering 404', async () => {
    const p = await proxy(server);
    // Let the first segments through so playback starts, then break every segment.
    await command('player-proxy-faults', { id: p.id, faults: [{ pattern: '^/media/[^/]+/hls/[^/]+/seg_', status: 404, after: 4 }] });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const fb = await next<CustomEvent<StreamFallbackDetail>>(el, 'stream-fallback');
    expect(fb.detail.position).to.be.greaterThan(0);
    await playedTo(el, fb.detail.position + 0.5);
    expect(el.engine).to.equal('progressive');
    expect(el.paused).to.equal(false);
    const resumedAt = el.played.length ? el.played.start(el.played.length - 1) : 0;
    expect(resumedAt).to.be.closeTo(fb.detail.position, 0.5);
  });

  it('waits while the video is processing, then starts by itself and plays to the end', async () => {
    const v = await command<Video>('player-upload', { server, clip: '480p-12s' });
    const seen: VideoStatus[] = [];
    const el = player({ src: `${server}/api/videos/${v.id}`, token: v.token, muted: '', autoplay: '', controls: '' });
    el.addEventListener('status-change', (e) => { seen.push((e as CustomEvent<VideoStatus>).detail); });
    const w = watch(el);
    await next(el, 'status-change');
    if (!seen[0]?.playable) {
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="progress"]'), 'progress indicator while processing').to.not.equal(null);
    }
    await next(el, 'playing');
    expect(el.currentTime).to.be.lessThan(2);
    await next(el, 'ended');
    w.stop();
    expect(seen.some((s) => !s.playable), 'saw the video before it was playable').to.equal(true);
    expect(el.currentTime).to.be.closeTo(12, 0.6);
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
  });
});
