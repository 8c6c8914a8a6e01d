/**
 * Sluice's playlists are standard HLS: Shaka Player 5 and video.js 8 (each
 * on its own MSE pipeline) play them from a real Sluice server — the plain
 * playlists and the `expiry=linear` ones made for native HLS.
 */
import { expect } from '@open-wc/testing';
import type { VideoStatus } from '../src/status.js';
import { command, sluice, until } from './helpers.js';

interface Video { id: string; token: string }
interface ShakaPlayer { attach(v: HTMLMediaElement): Promise<void>; load(url: string): Promise<void>; addEventListener(t: string, f: (e: Event) => void): void; destroy(): Promise<void> }
interface Shaka { Player: new () => ShakaPlayer; polyfill: { installAll(): void } }
interface VideoJsPlayer { src(s: { src: string; type: string }): void; on(t: string, f: () => void): void; error(): { code: number; message: string } | null; dispose(): void }
type VideoJs = (el: HTMLVideoElement, options: Record<string, unknown>) => VideoJsPlayer;
interface Globals { shaka?: Shaka; videojs?: VideoJs }

/** Loads a UMD build with a script tag (both ship one that sets a global). */
function script(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = path;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${path}`));
    document.head.append(s);
  });
}
const globals = window as unknown as Globals;
const DIST = '/packages/player/node_modules';

async function readyVideo(server: string): Promise<Video> {
  const v = await command<Video>('player-upload', { server, clip: '480p-12s', reuse: true });
  for (;;) {
    const s = (await (await fetch(`${server}/api/videos/${v.id}?token=${v.token}`)).json()) as VideoStatus;
    if (s.status === 'ready') return v;
    if (s.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function mediaElement(): HTMLVideoElement {
  const v = document.createElement('video');
  v.muted = true;
  v.autoplay = true;
  v.playsInline = true;
  document.body.append(v);
  return v;
}

describe('third-party players play Sluice HLS', function () {
  this.timeout(180_000);
  let master = '';
  before(async () => {
    const server = (await sluice()).url;
    const v = await readyVideo(server);
    master = `${server}/api/videos/${v.id}/hls/master.m3u8?token=${encodeURIComponent(v.token)}`;
    await script(`${DIST}/shaka-player/dist/shaka-player.compiled.js`);
    await script(`${DIST}/video.js/dist/video.min.js`);
  });
  afterEach(() => { for (const el of document.querySelectorAll('video, .video-js')) el.remove(); });

  for (const flavour of ['plain', 'expiry=linear'] as const) {
    const url = (): string => (flavour === 'plain' ? master : `${master}&expiry=linear`);

    it(`Shaka Player 5 plays a few seconds (${flavour} playlists)`, async () => {
      const { shaka } = globals;
      if (!shaka) throw new Error('shaka-player did not load');
      shaka.polyfill.installAll();
      const video = mediaElement();
      const player = new shaka.Player();
      const errors: string[] = [];
      player.addEventListener('error', (e) => errors.push(JSON.stringify((e as CustomEvent<unknown>).detail)));
      await player.attach(video);
      await player.load(url());
      await video.play();
      await until(() => video.currentTime >= 3 || errors.length > 0, 'Shaka at 3 s');
      expect(errors).to.deep.equal([]);
      expect(video.currentTime).to.be.at.least(3);
      await player.destroy();
    });

    it(`video.js 8 plays a few seconds (${flavour} playlists)`, async () => {
      const { videojs } = globals;
      if (!videojs) throw new Error('video.js did not load');
      const video = mediaElement();
      const player = videojs(video, { muted: true, autoplay: 'muted', preload: 'auto' });
      const errors: string[] = [];
      player.on('error', () => errors.push(JSON.stringify(player.error())));
      player.src({ src: url(), type: 'application/x-mpegURL' });
      await until(() => video.currentTime >= 3 || errors.length > 0, 'video.js at 3 s');
      expect(errors).to.deep.equal([]);
      expect(video.currentTime).to.be.at.least(3);
      player.dispose();
    });
  }
});
