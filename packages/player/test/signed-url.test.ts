/**
 * Reading expiry and identity from signed URLs of every supported signer.
 */
import { expect } from '@open-wc/testing';
import { hasToken, resourceKey, urlExpiry, withToken } from '../src/signed-url.js';
import { expiresWithin, playlistUris } from '../src/playlist-resigner.js';

describe('signed-url', () => {
  it('reads exp from Sluice, nginx, S3, GCS and Azure URLs', () => {
    expect(urlExpiry('https://h/media/a/seg.m4s?exp=1700000000&sig=x')).to.equal(1700000000);
    expect(urlExpiry('https://h/media/a/seg.m4s?md5=x&expires=1700000001')).to.equal(1700000001);
    expect(urlExpiry('https://b.s3.amazonaws.com/k?X-Amz-Date=20240102T030405Z&X-Amz-Expires=600&X-Amz-Signature=s'))
      .to.equal(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000 + 600);
    expect(urlExpiry('https://storage.googleapis.com/b/k?X-Goog-Date=20240102T030405Z&X-Goog-Expires=60')).to.equal(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000 + 60);
    expect(urlExpiry('https://a.blob.core.windows.net/c/k?sv=2021&se=2024-01-02T03%3A04%3A05Z&sig=s')).to.equal(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000);
    expect(urlExpiry('https://h/plain.m4s')).to.equal(undefined);
  });

  it('identifies a resource across re-signings and swaps tokens only where one is present', () => {
    expect(resourceKey('https://h/media/a/seg.m4s?exp=1&sig=a')).to.equal(resourceKey('https://h/media/a/seg.m4s?exp=2&sig=b'));
    expect(withToken('https://h/api/videos/a/hls/720p.m3u8?token=old', 'new')).to.equal('https://h/api/videos/a/hls/720p.m3u8?token=new');
    expect(withToken('https://h/media/a/seg.m4s?exp=1', 'new')).to.equal('https://h/media/a/seg.m4s?exp=1');
    expect(hasToken('https://h/x.m3u8?a=1&token=t')).to.equal(true);
  });

  it('lists every URI of a playlist, including EXT-X-MAP, resolved against it', () => {
    const uris = playlistUris('#EXTM3U\n#EXT-X-MAP:URI="init.mp4?exp=9"\n#EXTINF:2,\nseg_1.m4s?exp=9\n#EXTINF:2,\nhttps://cdn/x/seg_2.m4s?exp=9\n', 'https://h/hls/720p.m3u8?token=t');
    expect([...uris.values()]).to.deep.equal(['https://h/hls/init.mp4?exp=9', 'https://h/hls/seg_1.m4s?exp=9', 'https://cdn/x/seg_2.m4s?exp=9']);
    expect(expiresWithin('https://h/a?exp=100', 1, 99_500)).to.equal(true);
    expect(expiresWithin('https://h/a?exp=100', 1, 50_000)).to.equal(false);
  });
});
