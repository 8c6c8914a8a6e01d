/**
 * <chunked-uploader> against the real Sluice server started by the test
 * runner: upload → processing → video-ready, bytes identical on the server,
 * the form's value and validity, files refused before any byte is sent,
 * file picker and drop, accessibility, SSR-safe import.
 */
import { expect } from '@open-wc/testing';
import { type ChunkedUploader, type UploadErrorDetail, type VideoReadyDetail } from '../src/index.js';
import {
  clipFile, executeServerCommand, fixture, html, nextEvent, record, server, serverFile, sha256, uploadToken,
} from './helpers.js';

async function form(token: string, attrs = ''): Promise<{ form: HTMLFormElement; el: ChunkedUploader }> {
  const { url } = await server();
  const f = await fixture<HTMLFormElement>(html`<form>
    <label>Video <chunked-uploader name="video" required endpoint="${url}/api/uploads" token=${token} accept="video/*,.mp4" max-size="1MB"></chunked-uploader></label>
  </form>`);
  const el = f.querySelector('chunked-uploader') as ChunkedUploader;
  if (attrs.includes('multiple')) el.multiple = true;
  await el.updateComplete;
  return { form: f, el };
}

const uploadRequests = async (): Promise<number> => {
  const { url } = await server();
  return performance.getEntriesByType('resource').filter((e) => e.name.startsWith(`${url}/api/uploads`)).length;
};

describe('<chunked-uploader>', () => {
  it('uploads a clip, follows processing to video-ready, and the server holds the same bytes', async () => {
    const token = await uploadToken();
    const { form: f, el } = await form(token);
    const file = await clipFile();
    const starts = record(el, 'upload-start');
    const successes = record<{ videoId: string }>(el, 'upload-success');
    const errors = record<UploadErrorDetail>(el, 'upload-error');
    const ready = nextEvent<VideoReadyDetail>(el, 'video-ready');

    expect(f.checkValidity(), 'required blocks an empty form').to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);

    const [item] = el.addFiles([file]);
    await el.updateComplete;
    expect(el.validity.customError, 'unfinished upload blocks the form').to.equal(true);
    expect(el.validationMessage).to.contain(file.name);

    const { videoId, video } = await ready;
    expect(errors).to.deep.equal([]);
    expect(starts).to.have.length(1);
    expect(successes.map((s) => s.videoId)).to.deep.equal([videoId]);
    expect(item?.videoId).to.equal(videoId);
    expect(video.status).to.equal('ready');
    expect(item?.status).to.equal('ready');
    expect(await serverFile(videoId)).to.deep.equal({ size: file.size, sha256: await sha256(file) });

    await el.updateComplete;
    expect(el.value).to.equal(videoId);
    expect(new FormData(f).get('video')).to.equal(videoId);
    expect(f.checkValidity()).to.equal(true);
    const submitted = new Promise<FormData>((resolve) => f.addEventListener('submit', (e) => { e.preventDefault(); resolve(new FormData(f)); }, { once: true }));
    f.requestSubmit();
    expect((await submitted).get('video')).to.equal(videoId);
    expect(el.shadowRoot?.querySelector('[part~="message"]')?.textContent).to.contain('is ready');
  });

  it('with multiple, submits one form entry per video id', async () => {
    const { form: f, el } = await form(await uploadToken(), 'multiple');
    const done = record<{ videoId: string }>(el, 'upload-success');
    el.addFiles([await clipFile('a'), await clipFile('b')]);
    await new Promise<void>((resolve) => el.addEventListener('upload-success', () => { if (done.length === 2) resolve(); }));
    await el.updateComplete;
    expect(new FormData(f).getAll('video')).to.have.members(done.map((d) => d.videoId));
    expect(el.videoIds).to.have.length(2);
  });

  it('refuses a wrong type and a file over max-size before sending a byte, with a message', async () => {
    const { form: f, el } = await form(await uploadToken());
    const before = await uploadRequests();
    const errors = record<UploadErrorDetail>(el, 'upload-error');
    const starts = record(el, 'upload-start');

    el.addFiles([new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    await el.updateComplete;
    expect(errors[0]).to.include({ code: 'SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED', retriable: false, item: null });
    expect(el.validity.typeMismatch).to.equal(true);
    expect(el.validationMessage).to.contain('notes.txt').and.contain('not an accepted type');
    expect(el.shadowRoot?.querySelector('[part~="message"]')?.textContent).to.contain('notes.txt');

    el.addFiles([new File([new Uint8Array(2_000_000)], 'huge.mp4', { type: 'video/mp4' })]); // max-size="1MB": 10⁶ bytes, as the server counts
    await el.updateComplete;
    expect(errors[1]).to.include({ code: 'SLUICE_ERR_UPLOAD_TOO_LARGE', retriable: false });
    expect(el.validity.rangeOverflow).to.equal(true);
    expect(el.validationMessage).to.contain('2.0 MB').and.contain('1.0 MB');
    expect(f.checkValidity()).to.equal(false);

    expect(starts).to.deep.equal([]);
    expect(el.items).to.have.length(0);
    expect(await uploadRequests()).to.equal(before);
  });

  it('takes files from the file picker and from a drop', async () => {
    const { el } = await form(await uploadToken());
    el.accept = 'video/*';
    el.maxSize = '';
    await el.updateComplete;
    const input = el.shadowRoot?.querySelector('input[type="file"]') as HTMLInputElement;
    expect(input.accept).to.equal('video/*');
    const picked = new DataTransfer();
    picked.items.add(new File(['x'], 'picked.txt', { type: 'text/plain' }));
    input.files = picked.files;
    const refused = nextEvent<UploadErrorDetail>(el, 'upload-error');
    input.dispatchEvent(new Event('change'));
    expect((await refused).file.name).to.equal('picked.txt');

    const dropped = new DataTransfer();
    dropped.items.add(new File(['y'], 'dropped.txt', { type: 'text/plain' }));
    const zone = el.shadowRoot?.querySelector('[part~="drop-zone"]') as HTMLElement;
    const refusedDrop = nextEvent<UploadErrorDetail>(el, 'upload-error');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(zone.getAttribute('part')).to.contain('dragging');
    const drop = new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true });
    zone.dispatchEvent(drop);
    expect(drop.defaultPrevented).to.equal(true);
    expect((await refusedDrop).file.name).to.equal('dropped.txt');
  });

  it('is keyboard reachable and passes an accessibility audit, idle and with a file', async () => {
    const { el } = await form(await uploadToken());
    el.focus();
    expect(el.shadowRoot?.activeElement?.getAttribute('part')).to.contain('browse');
    await expect(el).to.be.accessible();
    el.addFiles([await clipFile('a11y')]);
    await el.updateComplete;
    await expect(el).to.be.accessible();
    await el.removeItem();
  });

  it('imports in plain Node without touching the DOM (SSR)', async () => {
    const result = await executeServerCommand<{ ok: boolean; error?: string }, undefined>('uploader-ssr-import');
    expect(result.ok, result.error).to.equal(true);
  });
});
