/**
 * The expiry-recovering loader against a tiny signed HLS server (test/support/
 * player-media.mjs): every URL lives `ttl` seconds, expired ones answer 410.
 */
import { expect } from '@open-wc/testing';
import type { Loader, LoaderContext } from 'hls.js';
import '../src/index.js';
import { createExpiryLoader } from '../src/expiry-loader.js';
import { PlaylistResigner, type FetchPlaylist } from '../src/playlist-resigner.js';
import { cleanup, command, next, playedTo, player, watch } from './helpers.js';

interface Req { path: string; query: string; status: number }
const log = (since: number): Promise<Req[]> => command<Req[]>('player-static-log', { since });

describe('expiry loader (signed static HLS)', () => {
  afterEach(cleanup);

  it('plays 18 s through 3 s URL lifetimes with no error, no backward jump, no 410 reaching hls.js', async () => {
    const { url } = await command<{ url: string }>('player-static');
    const since = (await log(0)).length;
    const el = player({ src: `${url}/signed/3/hls/master.m3u8`, muted: '', autoplay: '' });
    const w = watch(el);
    await next(el, 'playing');
    await playedTo(el, 18);
    w.stop();
    const reqs = (await log(since)).filter((r) => r.path.startsWith('/signed/'));
    const playlistRefetches = reqs.filter((r) => /v\d\.m3u8$/.test(r.path)).length;
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    expect(reqs.filter((r) => r.status === 403)).to.deep.equal([]);
    // The first load of each level playlist, then re-fetches to re-sign.
    expect(playlistRefetches).to.be.greaterThan(2);
    expect(el.refetches).to.be.greaterThan(0);
  });

  it('recovers a segment URL that already expired (reactive path) and reports stream-recovered', async () => {
    const { url } = await command<{ url: string }>('player-static');
    // 1 s lifetime with a 1 s refresh margin cannot be refreshed ahead: requests meet 410 and recover.
    const el = player({ src: `${url}/signed/1/hls/master.m3u8`, muted: '', autoplay: '' });
    const w = watch(el);
    const since = (await log(0)).length;
    await next(el, 'playing');
    await playedTo(el, 6);
    w.stop();
    expect(w.errors).to.deep.equal([]);
    expect(w.backwards).to.deep.equal([]);
    const gone = (await log(since)).filter((r) => r.status === 410);
    expect(gone.length === 0 || w.recovered > 0, `${gone.length} × 410 but no stream-recovered`).to.equal(true);
  });
});

describe('createExpiryLoader (hls.js default loader over real HTTP)', () => {
  type Ctx = LoaderContext & { frag: { url: string; baseurl: string } };
  const stale = (base: string, file: string): string => `${base}/signed/3/hls/${file}?exp=${Math.floor(Date.now() / 1000) - 10}`;

  async function setup(fetchPlaylist?: FetchPlaylist): Promise<{ base: string; Loader: ReturnType<typeof createExpiryLoader>; resigner: PlaylistResigner; recovered: string[]; Hls: typeof import('hls.js').default }> {
    const { default: Hls } = await import('hls.js');
    const { url: base } = await command<{ url: string }>('player-static');
    const recovered: string[] = [];
    const resigner = new PlaylistResigner(fetchPlaylist ?? (async (u) => { const r = await fetch(u); return { text: await r.text(), url: r.url }; }), 1);
    const Loader = createExpiryLoader(Hls.DefaultConfig.loader as never, {
      resigner, token: () => undefined, renewToken: () => Promise.reject(new Error('no token')), masterUrl: () => `${base}/signed/3/hls/master.m3u8`,
      onRecovered: (reason) => recovered.push(reason), marginS: 1,
    });
    return { base, Loader, resigner, recovered, Hls };
  }

  function load(Loader: ReturnType<typeof createExpiryLoader>, Hls: typeof import('hls.js').default, ctx: Ctx): { loader: Loader<LoaderContext>; done: Promise<string>; counts: Record<string, number> } {
    const counts: Record<string, number> = { success: 0, error: 0, abort: 0, timeout: 0 };
    const loader = new Loader(Hls.DefaultConfig);
    const done = new Promise<string>((resolve) => {
      loader.load(ctx, { loadPolicy: Hls.DefaultConfig.fragLoadPolicy.default, maxRetry: 0, timeout: 0, retryDelay: 0, maxRetryDelay: 0 }, {
        onSuccess: () => { counts.success! += 1; resolve('success'); },
        onError: (e) => { counts.error! += 1; resolve(`error ${e.code}`); },
        onTimeout: () => { counts.timeout! += 1; resolve('timeout'); },
        onAbort: () => { counts.abort! += 1; resolve('abort'); },
      });
    });
    return { loader, done, counts };
  }
  const fragCtx = (url: string, baseurl: string): Ctx => ({ url, responseType: 'arraybuffer', type: 'media-fragment' as LoaderContext['type'], frag: { url, baseurl } });

  it('re-signs concurrent stale requests with one playlist fetch and patches context.url and frag.url', async () => {
    const { base, Loader, resigner, recovered, Hls } = await setup();
    const playlist = `${base}/signed/3/hls/v0.m3u8`;
    const ctxs = ['v0_003.m4s', 'v0_004.m4s', 'init_0.mp4'].map((f) => fragCtx(stale(base, f), playlist));
    const runs = ctxs.map((c) => load(Loader, Hls, c));
    expect(await Promise.all(runs.map((r) => r.done))).to.deep.equal(['success', 'success', 'success']);
    expect(resigner.refetches).to.equal(1);
    for (const c of ctxs) {
      expect(c.url).to.equal(c.frag.url);
      expect(Number(new URL(c.url).searchParams.get('exp'))).to.be.greaterThan(Date.now() / 1000);
    }
    // Proactive refresh (the stale exp is in the past) means no request needed to fail.
    expect(recovered).to.deep.equal([]);
  });

  it('re-signs a subtitle media playlist from the master’s EXT-X-MEDIA URI (captions survive expiry)', async () => {
    // The master lists the subtitle rendition only in EXT-X-MEDIA's URI attribute; its playlist loads with context.type 'subtitleTrack'.
    const { base, Loader, resigner, Hls } = await setup(async (u) => ({
      url: u,
      text: `#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="${base}/signed/3/hls/v1.m3u8?exp=${Math.floor(Date.now() / 1000) + 60}"\n`
        + `#EXT-X-STREAM-INF:BANDWIDTH=1,SUBTITLES="subs"\n${base}/signed/3/hls/v0.m3u8?exp=${Math.floor(Date.now() / 1000) + 60}\n`,
    }));
    const ctx = { url: stale(base, 'v1.m3u8'), responseType: 'text', type: 'subtitleTrack' } as unknown as LoaderContext;
    const run = load(Loader, Hls, ctx as Ctx);
    expect(await run.done).to.equal('success');
    expect(resigner.refetches).to.equal(1);
    expect(Number(new URL(ctx.url).searchParams.get('exp'))).to.be.greaterThan(Date.now() / 1000);
  });

  it('abort during the playlist re-fetch produces exactly one onAbort and nothing else', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const { base, Loader, Hls } = await setup(async (u) => { await gate; const r = await fetch(u); return { text: await r.text(), url: r.url }; });
    const run = load(Loader, Hls, fragCtx(stale(base, 'v0_005.m4s'), `${base}/signed/3/hls/v0.m3u8`));
    await new Promise((r) => setTimeout(r, 50));
    run.loader.abort();
    run.loader.abort();
    release();
    expect(await run.done).to.equal('abort');
    await new Promise((r) => setTimeout(r, 300));
    expect(run.counts).to.deep.equal({ success: 0, error: 0, abort: 1, timeout: 0 });
  });

  it('gives up with the HTTP error after the re-sign cap when re-signing does not help', async () => {
    // The playlist keeps listing expired URLs (a broken signer): 410 twice, then the error reaches hls.js.
    const { base, Loader, Hls, recovered } = await setup(async (u) => ({
      text: `#EXTM3U\n#EXTINF:2,\n${stale(base, 'v0_006.m4s').replace(/\?exp=\d+/, `?exp=${Math.floor(Date.now() / 1000) - 5}`)}\n`, url: u,
    }));
    // A URL without `exp` cannot be judged ahead: it is loaded, answers 403, and gets one re-sign.
    const run = load(Loader, Hls, fragCtx(`${base}/signed/3/hls/v0_006.m4s`, `${base}/signed/3/hls/v0.m3u8`));
    expect(await run.done).to.match(/^error (403|410)$/);
    expect(run.counts.error).to.equal(1);
    expect(recovered).to.deep.equal([]);
  });
});
