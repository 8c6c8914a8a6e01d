/**
 * `poster-time`: the poster of a Sluice video is the server's thumbnail at
 * that time, sized to the element, and it loads (real server, real ffmpeg).
 */
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { VideoStatus } from '../src/status.js';
import { cleanup, command, player, sluice, until } from './helpers.js';

interface Video { id: string; token: string }

describe('<video-stream-player poster-time>', function () {
  this.timeout(180_000);
  let server = '';
  let video: Video;
  before(async () => {
    server = (await sluice()).url;
    video = await command<Video>('player-upload', { server, clip: '480p-45s', reuse: true });
    for (;;) {
      const s = (await (await fetch(`${server}/api/videos/${video.id}?token=${video.token}`)).json()) as VideoStatus;
      if (s.status === 'ready') break;
      if (s.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(s.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  afterEach(cleanup);

  it('uses the thumbnail at poster-time, as wide as the element on this screen, and the picture loads', async () => {
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, 'poster-time': '12', preload: 'none' });
    el.style.width = '300px';
    await until(() => /thumbnail\.jpg/.test(el.video.poster), 'a thumbnail poster');
    const poster = new URL(el.video.poster);
    expect(poster.pathname).to.equal(`/api/videos/${video.id}/thumbnail.jpg`);
    expect(poster.searchParams.get('time')).to.equal('12');
    // 300 CSS px × devicePixelRatio, snapped up to the next shared width.
    const expected = [160, 320, 480, 640, 960, 1280, 1920].find((w) => w >= 300 * devicePixelRatio) ?? 1920;
    expect(poster.searchParams.get('width')).to.equal(String(expected));
    expect(poster.searchParams.get('token')).to.equal(video.token);
    const res = await fetch(el.video.poster);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/jpeg');
    expect(res.headers.get('sluice-thumbnail-time')).to.equal('12.000');
    const img = new Image();
    img.src = el.video.poster;
    await img.decode();
    expect(img.naturalWidth).to.equal(Math.min(expected, 854));
  });

  it('an explicit poster wins over poster-time; without poster-time the status poster is used', async () => {
    const withBoth = player({ src: `${server}/api/videos/${video.id}`, token: video.token, 'poster-time': '3', poster: `${server}/favicon.png`, preload: 'none' });
    const plain = player({ src: `${server}/api/videos/${video.id}`, token: video.token, preload: 'none' });
    await until(() => plain.video.poster !== '', 'the status poster');
    expect(plain.video.poster).to.match(/poster\.jpg/);
    expect(withBoth.video.poster).to.equal(`${server}/favicon.png`);
  });
});
