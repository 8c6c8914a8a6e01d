/**
 * Properties set before the element is defined survive the upgrade
 * (media-elements' model): the module is imported only after they are set.
 */
import { expect } from '@open-wc/testing';
import type { VideoStreamPlayer } from '../src/video-stream-player.js';
import { command, next } from './helpers.js';

describe('define', () => {
  it('keeps properties and attributes set before the element was defined', async () => {
    expect(customElements.get('video-stream-player')).to.equal(undefined);
    const { url } = await command<{ url: string }>('player-static');
    const el = document.createElement('video-stream-player') as VideoStreamPlayer;
    const provider = async (): Promise<string> => 'new-token';
    Object.assign(el, { volume: 0.25, muted: true, playbackRate: 1.25, tokenProvider: provider, src: `${url}/clip.mp4` });
    el.setAttribute('start-time', '3');
    document.body.append(el);
    await import('../src/index.js');
    expect(customElements.get('video-stream-player')).to.be.a('function');
    expect(el.video.volume).to.equal(0.25);
    expect(el.video.muted).to.equal(true);
    expect(el.tokenProvider).to.equal(provider);
    await next(el, 'loadedmetadata');
    expect(el.engine).to.equal('progressive');
    expect(el.video.playbackRate).to.equal(1.25);
    expect(el.currentTime).to.be.closeTo(3, 0.2);
    el.remove();
  });
});
