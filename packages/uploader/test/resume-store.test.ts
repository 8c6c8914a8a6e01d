import { expect } from '@open-wc/testing';
import { fingerprint, ResumeStore, sweepExpired } from '../src/resume-store.js';

const keys = (): string[] => Object.keys(localStorage).filter((k) => k.startsWith('sluice-upload::'));
const upload = (url: string) => ({ size: 10, metadata: {}, creationTime: new Date().toString(), uploadUrl: url, parallelUploadUrls: null, urlStorageKey: '' });

describe('ResumeStore', () => {
  beforeEach(() => { for (const k of keys()) localStorage.removeItem(k); });
  afterEach(() => { for (const k of keys()) localStorage.removeItem(k); });

  it('stores the video id and token with an expiry, and finds them by fingerprint', async () => {
    const store = new ResumeStore(3600, () => ({ videoId: 'v1', videoToken: 't1' }));
    const key = await store.addUpload('fp-a', upload('http://x/api/uploads/v1'));
    const [found] = await store.findUploadsByFingerprint('fp-a');
    expect(found).to.include({ uploadUrl: 'http://x/api/uploads/v1', videoId: 'v1', videoToken: 't1', urlStorageKey: key });
    expect(found?.expiresAt).to.be.closeTo(Date.now() + 3600_000, 5000);
    expect(await store.findUploadsByFingerprint('fp-b')).to.deep.equal([]);
    await store.removeUpload(key);
    expect(keys()).to.deep.equal([]);
  });

  it('never outlives the server (Upload-Expires) and sweeps expired entries', async () => {
    const soon = Date.now() + 1000;
    const store = new ResumeStore(3600, () => ({ serverExpiresAt: soon }));
    await store.addUpload('fp-a', upload('http://x/1'));
    expect((await store.findAllUploads())[0]?.expiresAt).to.equal(soon);
    localStorage.setItem('sluice-upload::fp-old::1', JSON.stringify({ ...upload('http://x/old'), expiresAt: Date.now() - 1 }));
    localStorage.setItem('sluice-upload::fp-bad::1', '{not json');
    localStorage.setItem('unrelated', 'kept');
    expect(sweepExpired()).to.equal(1);
    expect(keys()).to.have.length(1);
    expect(localStorage.getItem('unrelated')).to.equal('kept');
    localStorage.removeItem('unrelated');
    expect(sweepExpired(soon + 1)).to.equal(0);
  });

  it('fingerprints by name, type, size, mtime and endpoint', () => {
    const a = new File(['abc'], 'a.mp4', { type: 'video/mp4', lastModified: 1 });
    const b = new File(['abd'], 'a.mp4', { type: 'video/mp4', lastModified: 1 });
    const c = new File(['abc'], 'a.mp4', { type: 'video/mp4', lastModified: 2 });
    expect(fingerprint(a, 'http://x/api/uploads')).to.equal(fingerprint(b, 'http://x/api/uploads'));
    expect(fingerprint(a, 'http://x/api/uploads')).not.to.equal(fingerprint(c, 'http://x/api/uploads'));
    expect(fingerprint(a, 'http://x/api/uploads')).not.to.equal(fingerprint(a, 'http://y/api/uploads'));
  });
});
