/**
 * Sluice's playlists are standard HLS: Shaka Player 5 and video.js 8 (each
 * on its own MSE pipeline) play them from a real Sluice server — the plain
 * playlists and the `expiry=linear` ones made for native HLS — and find the
 * caption tracks of the master's SUBTITLES group and their cues.
 */
import { expect } from '@open-wc/testing';
import { sluice, until } from './helpers.js';
import { captionedVideo, CUES } from './captions-support.js';

interface ShakaTextTrack { language: string; kind: string; label: string | null }
interface ShakaPlayer { attach(v: HTMLMediaElement): Promise<void>; load(url: string): Promise<void>; addEventListener(t: string, f: (e: Event) => void): void; destroy(): Promise<void>; getTextTracks(): ShakaTextTrack[] }
interface Shaka { Player: new () => ShakaPlayer; polyfill: { installAll(): void } }
interface VideoJsTrack { kind: string; language: string; label: string; mode: string; cues: TextTrackCueList | null }
interface VideoJsPlayer { src(s: { src: string; type: string }): void; on(t: string, f: () => void): void; error(): { code: number; message: string } | null; dispose(): void; textTracks(): { length: number; [i: number]: VideoJsTrack } }
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

/** Every cue text the element's text tracks hold (whoever added the track: Shaka's displayer, video.js, the browser). */
function cueTexts(video: HTMLVideoElement): string[] {
  return Array.from(video.textTracks).flatMap((t) => Array.from(t.cues ?? []).map((c) => (c as VTTCue).text));
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
    // 12 s, ready, with an English (default) and a French track added over the API.
    const v = await captionedVideo(server);
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
      // The SUBTITLES group: both languages listed. (Shaka 5.2 fetches the English segments but shows none of
      // their cues — an open finding, see docs/captions.md; hls.js, native, the MP4 fallback and video.js show them.)
      expect(player.getTextTracks().map((t) => t.language).sort()).to.deep.equal(['en', 'fr']);
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
      const tracks = player.textTracks();
      const subtitles = Array.from({ length: tracks.length }, (_, i) => tracks[i]!).filter((t) => t.kind === 'subtitles');
      expect(subtitles.map((t) => t.language).sort()).to.deep.equal(['en', 'fr']);
      for (const t of subtitles) t.mode = t.language === 'en' ? 'showing' : 'disabled';
      await until(() => cueTexts(video).includes(CUES.two.text) || subtitles.some((t) => Array.from(t.cues ?? []).some((c) => (c as VTTCue).text === CUES.two.text)), 'video.js: the English cue');
      player.dispose();
    });
  }
});
