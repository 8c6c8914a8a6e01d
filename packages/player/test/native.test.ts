/**
 * The native engine (the browser's own HLS, as on Safari and iPhones) for
 * real: Chromium 156 plays HLS itself once MediaSource is hidden. Short media
 * URL lifetimes come from a token's `mediaTtl` claim (3 s here).
 */
import './hide-mse.js';
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { StreamFallbackDetail, StreamResignedDetail } from '../src/events.js';
import type { VideoStatus } from '../src/status.js';
import { urlExpiry } from '../src/signed-url.js';
import { cleanup, command, next, playedTo, player, sluice, until, watch } from './helpers.js';

interface Req { method: string; path: string; query: string; status: number }
interface Video { id: string; token: string }

async function readyVideo(server: string, clip: string): Promise<Video> {
  const v = await command<Video>('player-upload', { server, clip, reuse: true });
  for (;;) {
    const s = (await (await fetch(`${server}/api/videos/${v.id}?token=${v.token}`)).json()) as VideoStatus;
    if (s.status === 'ready') return v;
    if (s.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const token = async (server: string, claims: Record<string, unknown>): Promise<string> =>
  (await command<{ token: string }>('player-token', { server, ...claims })).token;
const proxy = (target: string): Promise<{ id: string; url: string }> => command('player-proxy', { target });
const proxyLog = (id: string): Promise<Req[]> => command<Req[]>('player-proxy-log', { id });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Every occurrence of `type` on `el`, collected until the test ends. */
function record<T>(el: EventTarget, type: string): T[] {
  const seen: T[] = [];
  el.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

describe('<video-stream-player> on the native HLS engine (MediaSource hidden)', function () {
  this.timeout(240_000);
  let server = '';
  let video: Video;
  before(async () => {
    server = (await sluice()).url;
    video = await readyVideo(server, '480p-45s');
  });
  afterEach(cleanup);

  it('starts on native HLS with linear-expiry playlists, seeks, and plays on', async () => {
    const p = await proxy(server);
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const w = watch(el);
    await next(el, 'playing');
    expect(el.engine).to.equal('native-hls');
    el.currentTime = 20;
    await next(el, 'seeked');
    expect(el.currentTime).to.be.closeTo(20, 1);
    await playedTo(el, 22);
    w.stop();
    expect(w.errors).to.deep.equal([]);
    const playlists = (await proxyLog(p.id)).filter((r) => /^\/api\/videos\/[^/]+\/hls\//.test(r.path));
    expect(playlists.length).to.be.greaterThan(1);
    expect(playlists.filter((r) => !/[?&]expiry=linear(&|$)/.test(r.query)), 'every playlist asked for linear expiry').to.deep.equal([]);
  });

  it('plays 30 s through URLs that live 3 s: no error, no fallback, no backward jump, no expired URL met', async () => {
    const p = await proxy(server);
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 3 });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const fallbacks = record(el, 'stream-fallback');
    const w = watch(el);
    await next(el, 'playing');
    expect(el.engine).to.equal('native-hls');
    await playedTo(el, 30);
    w.stop();
    console.log(`native 30 s at 3 s TTL: stalls ${JSON.stringify(w.stallsMs.map(Math.round))} ms, ${w.recovered} recoveries`);
    const media = (await proxyLog(p.id)).filter((r) => r.path.startsWith('/media/'));
    expect(w.errors).to.deep.equal([]);
    expect(fallbacks).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    expect(el.engine).to.equal('native-hls');
    // Ten 3 s lifetimes went by, yet a straight-through viewer never met an expired URL.
    expect(media.length).to.be.greaterThan(10);
    expect(media.filter((r) => r.status >= 400)).to.deep.equal([]);
  });

  it('paused past the URL lifetime: re-signs quietly while paused (stream-resigned), then plays on without an error', async () => {
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 3 });
    const el = player({ src: `${server}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const resigned = record<StreamResignedDetail>(el, 'stream-resigned');
    const fallbacks = record(el, 'stream-fallback');
    await next(el, 'playing');
    await playedTo(el, 3);
    el.pause();
    const at = el.currentTime;
    const w = watch(el);
    const plays = record(el, 'play');
    // Well past the 3 s lifetime plus what Chromium buffers ahead (~10 s).
    await until(() => resigned.length > 0, 'stream-resigned while paused');
    await sleep(4000);
    expect(el.paused, 'still paused after the quiet reload').to.equal(true);
    expect(plays).to.deep.equal([]);
    expect(el.currentTime).to.be.closeTo(at, 0.3);
    await el.play();
    await playedTo(el, at + 6);
    w.stop();
    expect(resigned[0]).to.include({ reason: 'expiring', engine: 'native-hls' });
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    expect(fallbacks).to.deep.equal([]);
  });

  it('recovers when a URL has expired anyway (a seek back to never-loaded media): stream-recovered, no error', async () => {
    const p = await proxy(server);
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 3 });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '', 'start-time': '28' });
    const recovered = record(el, 'stream-recovered');
    const fallbacks = record(el, 'stream-fallback');
    await next(el, 'playing');
    await playedTo(el, 43);
    // The segment at 8–10 s was never fetched (playback began at 28 s) and its URL
    // expired at load + 8 + 3 s; 15 s of playback later it answers 410.
    const w = watch(el);
    el.currentTime = 8;
    await until(() => recovered.length > 0, 'stream-recovered');
    await until(() => el.currentTime >= 10 && !el.paused, 'playing on after the recovery');
    w.stop();
    const gone = (await proxyLog(p.id)).filter((r) => r.path.startsWith('/media/') && r.status === 410);
    expect(gone.length, 'the browser did meet an expired URL').to.be.greaterThan(0);
    expect(w.errors).to.deep.equal([]);
    expect(fallbacks).to.deep.equal([]);
    expect(el.engine).to.equal('native-hls');
  });

  it('a new token on a playing element reloads seamlessly (stream-resigned "token") and keeps playing', async () => {
    const p = await proxy(server);
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const resigned = record<StreamResignedDetail>(el, 'stream-resigned');
    await next(el, 'playing');
    await playedTo(el, 3);
    const w = watch(el);
    const fresh = await token(server, { aud: 'playback', sub: video.id, ttl: '2h' });
    el.token = fresh;
    await until(() => resigned.some((r) => r.reason === 'token'), 'stream-resigned (token)');
    const at = el.currentTime;
    await playedTo(el, at + 3);
    w.stop();
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    const masters = (await proxyLog(p.id)).filter((r) => r.path.endsWith('master.m3u8'));
    expect(masters.some((r) => r.query.includes(encodeURIComponent(fresh)) || r.query.includes(fresh)), 'master re-fetched with the new token').to.equal(true);
  });

  it('waits while the video is processing, then starts on native HLS and plays to the end', async () => {
    const v = await command<Video>('player-upload', { server, clip: '480p-12s' });
    const seen: VideoStatus[] = [];
    const el = player({ src: `${server}/api/videos/${v.id}`, token: v.token, muted: '', autoplay: '' });
    el.addEventListener('status-change', (e) => { seen.push((e as CustomEvent<VideoStatus>).detail); });
    const w = watch(el);
    await next(el, 'playing');
    expect(el.engine).to.equal('native-hls');
    expect(el.currentTime).to.be.lessThan(2);
    await next(el, 'ended');
    w.stop();
    expect(seen.some((s) => !s.playable), 'saw the video before it was playable').to.equal(true);
    expect(el.currentTime).to.be.closeTo(12, 0.6);
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
  });

  it('falls back to a freshly signed MP4 at the same position when segments break, though the first MP4 URL expired', async () => {
    const p = await proxy(server);
    const t = await token(server, { aud: 'playback', sub: video.id, ttl: '1h', mediaTtl: 1 });
    await command('player-proxy-faults', { id: p.id, faults: [{ pattern: '^/media/[^/]+/hls/[^/]+/seg_', status: 404, after: 6 }] });
    const el = player({ src: `${p.url}/api/videos/${video.id}`, token: t, muted: '', autoplay: '' });
    const first = await next<CustomEvent<VideoStatus>>(el, 'status-change');
    const original = first.detail.mp4!;
    const fb = await next<CustomEvent<StreamFallbackDetail>>(el, 'stream-fallback');
    expect(fb.detail.from).to.equal('native-hls');
    expect(fb.detail.position).to.be.greaterThan(0);
    expect(urlExpiry(fb.detail.to)!).to.be.greaterThan(urlExpiry(original)!);
    // The first URL dies with its 1 s lifetime (valid through its exp second); the fallback signed a later one.
    await until(() => Date.now() >= (urlExpiry(original)! + 1) * 1000, 'the first MP4 URL to expire');
    expect((await fetch(original, { headers: { range: 'bytes=0-0' } })).status).to.equal(410);
    await playedTo(el, fb.detail.position + 1);
    expect(el.engine).to.equal('progressive');
    expect(el.paused).to.equal(false);
    const resumedAt = el.played.length ? el.played.start(el.played.length - 1) : 0;
    expect(resumedAt).to.be.closeTo(fb.detail.position, 0.5);
  });
});
