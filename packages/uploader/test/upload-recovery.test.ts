/**
 * Recovery, against the real server: pause/resume, the server crashing and
 * coming back, a page reload (simulated: the element is removed and a fresh
 * one is given the same File, so resume must go through the stored
 * fingerprint), cancel, and the browser going offline (Chrome DevTools
 * network emulation: navigator.onLine, offline/online events, requests fail).
 * Uploads are capped at a few MB/s with the same emulation so that "mid-way"
 * is reached by events, not by timing.
 */
import { expect } from '@open-wc/testing';
import type { UploadErrorDetail, UploadItem, UploadProgressDetail, UploadStartDetail } from '../src/index.js';
import {
  bigFile, clipFile, executeServerCommand, head, mount, network, nextEvent, record, server, serverFile, sha256, uploadToken, waitUntil,
} from './helpers.js';

const MB = 1024 * 1024;
const storedKeys = (): string[] => Object.keys(localStorage).filter((k) => k.startsWith('sluice-upload::'));
const until = (fn: () => boolean, message: string): Promise<void> => waitUntil(fn, message, { timeout: 60_000, interval: 20 });
const accepted = (el: EventTarget, bytes: number): Promise<UploadProgressDetail> =>
  nextEvent<UploadProgressDetail>(el, 'upload-progress', (d) => d.bytesAccepted >= bytes);

async function expectSameBytes(videoId: string, file: File): Promise<void> {
  expect(await serverFile(videoId)).to.deep.equal({ size: file.size, sha256: await sha256(file) });
}

describe('<chunked-uploader> recovery', () => {
  beforeEach(async () => {
    for (const k of storedKeys()) localStorage.removeItem(k);
    await network({ uploadBps: 4 * MB });
  });
  afterEach(async () => {
    await network({ offline: false, uploadBps: 0 });
    await executeServerCommand('sluice-start');
  });

  it('pauses mid-way and resumes from the server offset', async () => {
    const token = await uploadToken();
    const el = await mount({ token, chunkSize: '512KB' });
    const file = await bigFile(8 * MB);
    const starts = record<UploadStartDetail>(el, 'upload-start');
    const [item] = el.addFiles([file]) as [UploadItem];
    await accepted(el, MB);
    el.pause();
    expect(item.status).to.equal('paused');
    await el.updateComplete;
    expect(el.validity.customError).to.equal(true);
    expect(el.validationMessage).to.contain('paused');
    const { offset } = await head(item.uploadUrl as string, token);
    expect(offset).to.be.greaterThan(0).and.lessThan(file.size);

    const success = nextEvent<{ videoId: string }>(el, 'upload-success');
    el.resume();
    const { videoId } = await success;
    expect(starts).to.have.length(1);
    expect(videoId).to.equal(item.videoId);
    await expectSameBytes(videoId, file);
    expect(storedKeys(), 'stored fingerprint removed after success').to.deep.equal([]);
  });

  it('survives the server crashing mid-upload: retries with backoff and completes after it restarts', async () => {
    const el = await mount({ token: await uploadToken(), chunkSize: '512KB' });
    const file = await bigFile(12 * MB);
    const errors = record<UploadErrorDetail>(el, 'upload-error');
    const [item] = el.addFiles([file]) as [UploadItem];
    await accepted(el, 2 * MB);
    await executeServerCommand('sluice-kill');
    await until(() => item.status === 'retrying', 'the element notices the server is gone');
    expect(item.bytesAccepted).to.be.lessThan(file.size);
    await executeServerCommand('sluice-start');
    const { videoId } = await nextEvent<{ videoId: string }>(el, 'upload-success');
    expect(errors.length).to.be.greaterThan(0);
    expect(errors.every((e) => e.retriable)).to.equal(true);
    expect(errors[0]?.code).to.equal('SLUICE_ERR_UPLOAD_NETWORK');
    await expectSameBytes(videoId, file);
  });

  it('resumes after a reload from the stored fingerprint, at the server offset, as the same video', async () => {
    const token = await uploadToken();
    const first = await mount({ token, chunkSize: '512KB' });
    const file = await bigFile(8 * MB);
    const [before] = first.addFiles([file]) as [UploadItem];
    await accepted(first, 2 * MB);
    const acceptedBefore = before.bytesAccepted;
    first.remove(); // the page goes away: requests stop, nothing is terminated
    expect(storedKeys()).to.have.length(1);
    const { status, offset } = await head(before.uploadUrl as string, token);
    expect(status).to.equal(200);
    expect(offset).to.be.greaterThanOrEqual(acceptedBefore).and.lessThan(file.size);

    const second = await mount({ token, chunkSize: '512KB' });
    const start = nextEvent<UploadStartDetail>(second, 'upload-start');
    const firstProgress = nextEvent<UploadProgressDetail>(second, 'upload-progress');
    const success = nextEvent<{ videoId: string }>(second, 'upload-success');
    const [after] = second.addFiles([file]) as [UploadItem];
    expect((await start).resumed).to.equal(true);
    expect((await firstProgress).bytesAccepted).to.be.greaterThanOrEqual(acceptedBefore);
    const { videoId } = await success;
    expect(after.resumedFrom).to.be.greaterThanOrEqual(acceptedBefore);
    expect(videoId).to.equal(before.videoId);
    await expectSameBytes(videoId, file);
    expect(storedKeys()).to.deep.equal([]);
  });

  it('cancel terminates the upload on the server', async () => {
    const token = await uploadToken();
    const el = await mount({ token, chunkSize: '512KB' });
    const [item] = el.addFiles([await bigFile(8 * MB)]) as [UploadItem];
    await accepted(el, MB);
    const error = nextEvent<UploadErrorDetail>(el, 'upload-error');
    await el.cancel(item);
    expect(await error).to.include({ code: 'SLUICE_ERR_UPLOAD_CANCELLED', retriable: false });
    expect(item.status).to.equal('cancelled');
    expect([404, 410]).to.include((await head(item.uploadUrl as string, token)).status);
    expect(storedKeys()).to.deep.equal([]);
  });

  it('waits while the browser is offline and completes when it is back online', async () => {
    const el = await mount({ token: await uploadToken(), chunkSize: '512KB' });
    const file = await bigFile(8 * MB);
    const errors = record<UploadErrorDetail>(el, 'upload-error');
    const [item] = el.addFiles([file]) as [UploadItem];
    await accepted(el, MB);
    await network({ offline: true, uploadBps: 4 * MB });
    await until(() => item.status === 'offline', 'the element waits offline');
    const reachable = await fetch(`${(await server()).url}/healthz`).then(() => true, () => false);
    expect(reachable, 'the emulation really cuts the server off').to.equal(false);
    expect(errors.map((e) => e.code)).to.deep.equal(['SLUICE_ERR_UPLOAD_OFFLINE']);
    expect(errors[0]?.retriable).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part~="status"]')?.textContent).to.contain('Offline');
    const success = nextEvent<{ videoId: string }>(el, 'upload-success');
    await network({ offline: false, uploadBps: 0 });
    const { videoId } = await success;
    await expectSameBytes(videoId, file);
  });

  it('aborts a stalled request and retries it (stall-timeout)', async () => {
    const el = await mount({ token: await uploadToken(), chunkSize: '512KB' });
    el.stallTimeout = 1;
    const file = await bigFile(6 * MB);
    const [item] = el.addFiles([file]) as [UploadItem];
    await accepted(el, MB);
    await network({ uploadBps: 1 }); // the connection is up but nothing moves
    const stalled = await nextEvent<UploadErrorDetail>(el, 'upload-error');
    expect(stalled).to.include({ code: 'SLUICE_ERR_UPLOAD_STALLED', retriable: true });
    expect(['retrying', 'uploading']).to.include(item.status);
    const success = nextEvent<{ videoId: string }>(el, 'upload-success');
    await network({ uploadBps: 0 });
    await expectSameBytes((await success).videoId, file);
  });

  it('asks tokenProvider again after a 401 and carries on', async () => {
    const good = await uploadToken();
    let calls = 0;
    const el = await mount({ token: '', extra: { tokenProvider: async () => (++calls === 1 ? 'not-a-jwt' : good) } });
    const errors = record<UploadErrorDetail>(el, 'upload-error');
    const file = await clipFile('token');
    el.addFiles([file]);
    const { videoId } = await nextEvent<{ videoId: string }>(el, 'upload-success');
    expect(calls).to.equal(2);
    expect(errors).to.deep.equal([]);
    await expectSameBytes(videoId, file);
  });
});
