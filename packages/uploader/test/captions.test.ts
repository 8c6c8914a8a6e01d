/**
 * Caption files chosen with a video (`captions` attribute), against the real
 * Sluice server: sent once the upload exists, stored as the video's tracks;
 * hostile ones refused with the server's code while the video goes on.
 */
import { expect } from '@open-wc/testing';
import type { CaptionErrorDetail, ChunkedUploader, UploadErrorDetail, VideoReadyDetail } from '../src/index.js';
import { clipFile, fixture, html, nextEvent, record, server, uploadToken } from './helpers.js';

const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHello <b>there</b>\n';

async function mountCaptions(token: string, attrs: { multiple?: boolean } = {}): Promise<ChunkedUploader> {
  const { url } = await server();
  const el = await fixture<ChunkedUploader>(html`<chunked-uploader captions endpoint="${url}/api/uploads" token=${token}
    accept="video/*,.mp4"></chunked-uploader>`);
  el.multiple = attrs.multiple ?? false;
  await el.updateComplete;
  return el;
}

/** An upload token with a `sub`: the server lets the token whose `sub` created a video add its tracks. */
async function ownerToken(): Promise<string> {
  const { url } = await server();
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'upload', sub: `user-${crypto.randomUUID()}`, ttl: '1h' }) });
  return ((await res.json()) as { token: string }).token;
}

const captionPosts = async (): Promise<number> => {
  const { url } = await server();
  return performance.getEntriesByType('resource').filter((e) => e.name.startsWith(`${url}/api/videos/`) && e.name.endsWith('/captions')).length;
};

describe('<chunked-uploader captions>', () => {
  it('a video + clip.en.vtt: the video gets an `en` track; accept lists .vtt,.srt', async () => {
    const el = await mountCaptions(await ownerToken());
    expect(el.shadowRoot!.querySelector('input')!.accept).to.equal('video/*,.mp4,.vtt,.srt');
    const errors = record<CaptionErrorDetail>(el, 'caption-error');
    const uploadErrors = record<UploadErrorDetail>(el, 'upload-error');
    const ready = nextEvent<VideoReadyDetail>(el, 'video-ready');
    const [item] = el.addFiles([await clipFile(), new File([VTT], 'clip.en.vtt', { type: 'text/vtt' })]);
    expect(item!.captions.map((c) => [c.file.name, c.lang])).to.deep.equal([['clip.en.vtt', 'en']]);
    const { videoId, video } = await ready;
    expect(errors).to.deep.equal([]);
    expect(uploadErrors).to.deep.equal([]);
    expect(item!.captions[0]!.status).to.equal('sent');
    expect(video.captions.map((c) => [c.lang, c.label, c.source])).to.deep.equal([['en', 'English', 'upload']]);
    // The track's file holds the cue, its text never interpreted.
    const vtt = await (await fetch(video.captions[0]!.url)).text();
    expect(vtt).to.match(/^WEBVTT/);
    expect(vtt).to.contain('00:00:00.500 --> 00:00:01.500');
    expect(vtt).to.contain('Hello <b>there</b>');
    await el.updateComplete;
    const shown = el.shadowRoot!.querySelector('[part="caption"]')!;
    expect(shown.getAttribute('data-status')).to.equal('sent');
    expect(videoId).to.equal(video.id);
  });

  it('a hostile caption (binary named .vtt, invalid UTF-8 .srt): caption-error with the SLUICE_ERR_CAPTIONS_* code, the video still uploads', async () => {
    const el = await mountCaptions(await ownerToken());
    const errors = record<CaptionErrorDetail>(el, 'caption-error');
    const ready = nextEvent<VideoReadyDetail>(el, 'video-ready');
    // An ELF header: valid UTF-8 bytes, but NUL and control characters — binary, not text.
    const binary = new File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0])], 'clip.en.vtt');
    // "café" in Latin-1: not UTF-8.
    const latin1 = new File([new Uint8Array([...new TextEncoder().encode('1\n00:00:01,000 --> 00:00:02,000\ncaf'), 0xe9, 0x0a])], 'clip.fr.srt');
    const [item] = el.addFiles([await clipFile(), binary, latin1]);
    const { video } = await ready;
    expect(item!.status).to.equal('ready');
    expect(errors.map((e) => [e.file.name, e.code, e.item === item])).to.deep.equal([
      ['clip.en.vtt', 'SLUICE_ERR_CAPTIONS_INVALID', true],
      ['clip.fr.srt', 'SLUICE_ERR_CAPTIONS_ENCODING', true],
    ]);
    expect(errors[0]!.message).to.match(/clip\.en\.vtt/);
    expect(video.captions, 'nothing stored').to.deep.equal([]);
    await el.updateComplete;
    const failed = Array.from(el.shadowRoot!.querySelectorAll('[part="caption"][data-status="failed"]'));
    expect(failed).to.have.length(2);
    expect(failed[0]!.textContent).to.contain('not valid WebVTT or SRT');
  });

  it('refuses before sending: a caption matching none of several videos, or over 2 MB', async () => {
    const el = await mountCaptions(await uploadToken(), { multiple: true });
    const errors = record<CaptionErrorDetail>(el, 'caption-error');
    const before = await captionPosts();
    const a = await clipFile('a');
    const items = el.addFiles([a, await clipFile('b'), new File([VTT], 'nothing-like-it.en.vtt'), new File([new Uint8Array(2_000_001)], `${a.name.replace(/\.mp4$/, '')}.de.vtt`)]);
    expect(items).to.have.length(2);
    expect(errors.map((e) => [e.code, e.item])).to.deep.equal([
      ['SLUICE_ERR_UPLOAD_CAPTION_UNMATCHED', null], ['SLUICE_ERR_UPLOAD_CAPTION_TOO_LARGE', null],
    ]);
    expect(items.every((i) => i.captions.length === 0)).to.equal(true);
    await el.cancel();
    expect(await captionPosts()).to.equal(before);
  });

  it('an upload token without `sub` cannot add tracks: caption-error says so, the video uploads', async () => {
    const el = await mountCaptions(await uploadToken());
    const error = nextEvent<CaptionErrorDetail>(el, 'caption-error');
    el.addFiles([await clipFile(), new File([VTT], 'clip.en.vtt')]);
    const e = await error;
    expect(e.code).to.equal('SLUICE_ERR_VIDEO_NOT_FOUND');
    expect(e.message).to.match(/sub/);
    await nextEvent<VideoReadyDetail>(el, 'video-ready');
  });
});
