import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { START_TAG, publicPlaylist } from '../../src/transcode/hls-publish.js';

const FFMPEG_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init_1.mp4"
#EXTINF:2.000000,
seg_00000.m4s
#EXTINF:2.000000,
seg_00001.m4s
`;

describe('publicPlaylist', () => {
  it('points URIs into the rendition folder, adds EXT-X-START before the first segment, keeps the rest', () => {
    const pub = publicPlaylist(FFMPEG_PLAYLIST, '480p');
    assert.equal(pub.segments, 2);
    assert.equal(pub.mapUri, 'init_1.mp4');
    assert.equal(pub.text, `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-INDEPENDENT-SEGMENTS
${START_TAG}
#EXT-X-MAP:URI="480p/init.mp4"
#EXTINF:2.000000,
480p/seg_00000.m4s
#EXTINF:2.000000,
480p/seg_00001.m4s
`);
  });

  it('keeps ENDLIST once ffmpeg closes the playlist', () => {
    const pub = publicPlaylist(`${FFMPEG_PLAYLIST}#EXT-X-ENDLIST\n`, '480p');
    assert.ok(pub.text.endsWith('480p/seg_00001.m4s\n#EXT-X-ENDLIST\n'));
  });

  it('ignores an unfinished last line and a dangling #EXTINF', () => {
    const cut = FFMPEG_PLAYLIST.slice(0, FFMPEG_PLAYLIST.lastIndexOf('seg_00001') + 4);
    const pub = publicPlaylist(cut, '480p');
    assert.equal(pub.segments, 1);
    assert.ok(pub.text.endsWith('480p/seg_00000.m4s\n'), pub.text);
  });

  it('publishes nothing from a file that is not a playlist yet', () => {
    assert.equal(publicPlaylist('', '480p').segments, 0);
    assert.equal(publicPlaylist('#EXT', '480p').segments, 0);
  });
});
