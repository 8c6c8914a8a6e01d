/**
 * Captions on the native HLS engine (MediaSource hidden, the browser's own
 * HLS as on iPhones), against the real server: cue timing by the media
 * clock, and the chosen track kept through a reload at the same position.
 */
import './hide-mse.js';
import { expect } from '@open-wc/testing';
import '../src/index.js';
import { CAPTIONS_KEY } from '../src/captions.js';
import type { StreamResignedDetail } from '../src/events.js';
import { cleanup, next, player, sluice, until } from './helpers.js';
import { captionedVideo, cueActiveAt, CUES, mint, showing, type CaptionedVideo } from './captions-support.js';

describe('<video-stream-player> captions on native HLS (MediaSource hidden)', function () {
  this.timeout(180_000);
  let server = '';
  let video: CaptionedVideo;
  before(async () => {
    server = (await sluice()).url;
    video = await captionedVideo(server);
  });
  beforeEach(() => localStorage.removeItem(CAPTIONS_KEY));
  afterEach(() => { cleanup(); localStorage.removeItem(CAPTIONS_KEY); });

  it('the default track shows and its cue becomes active at its time (±0.3 s of currentTime)', async () => {
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    const at = cueActiveAt(el, 'en', CUES.two.text);
    await next(el, 'playing');
    expect(el.engine).to.equal('native-hls');
    expect(await at).to.be.closeTo(CUES.two.start, 0.3);
    expect(showing(el)).to.deep.equal(['en']);
  });

  it('the remembered track is shown again after a reload at the same position (new token), cues on time', async () => {
    localStorage.setItem(CAPTIONS_KEY, 'fr');
    const el = player({ src: `${server}/api/videos/${video.id}`, token: video.token, muted: '', autoplay: '' });
    await next(el, 'playing');
    await until(() => showing(el).length > 0, 'a shown track');
    expect(showing(el)).to.deep.equal(['fr']);
    const resigned = next<CustomEvent<StreamResignedDetail>>(el, 'stream-resigned');
    el.token = await mint(server, { aud: 'playback', sub: video.id, ttl: '2h' });
    expect((await resigned).detail).to.include({ reason: 'token', engine: 'native-hls' });
    const six = cueActiveAt(el, 'fr', `${CUES.six.text} (fr)`);
    if (el.currentTime > 5) { el.currentTime = 4.5; await next(el, 'seeked'); }
    expect(await six).to.be.closeTo(CUES.six.start, 0.3);
    expect(showing(el)).to.deep.equal(['fr']);
  });
});
