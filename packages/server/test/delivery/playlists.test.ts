import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearPlaylistTimes, rewritePlaylistUris, rewriteVttUris } from '../../src/delivery/playlists.js';

const sign = (uri: string): string => `https://cdn.example/${uri}?sig=1`;

test('media playlist: segment URI lines and EXT-X-MAP URI are mapped; tags and comments kept', () => {
  const input = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    '#EXT-X-START:TIME-OFFSET=0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MAP:URI="720p/init_1.mp4"',
    '# a comment with URI="x.m4s" stays',
    '#EXTINF:4.000000,',
    '720p/seg_00000.m4s',
    '#EXTINF:4.000000,',
    '720p/seg_00001.m4s',
    '',
  ].join('\n');
  const out = rewritePlaylistUris(input, sign).split('\n');
  assert.equal(out[5], '#EXT-X-MAP:URI="https://cdn.example/720p/init_1.mp4?sig=1"');
  assert.equal(out[6], '# a comment with URI="x.m4s" stays');
  assert.equal(out[8], 'https://cdn.example/720p/seg_00000.m4s?sig=1');
  assert.equal(out[10], 'https://cdn.example/720p/seg_00001.m4s?sig=1');
  assert.deepEqual([out[0], out[1], out[2], out[3], out[4], out[7], out[9], out[11]], ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-START:TIME-OFFSET=0', '#EXT-X-INDEPENDENT-SEGMENTS', '#EXTINF:4.000000,', '#EXTINF:4.000000,', '']);
});

test('master playlist: variant lines and URI attributes of EXT-X-MEDIA / I-FRAME / KEY / SESSION-KEY are mapped, other attributes kept', () => {
  const input = [
    '#EXTM3U',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English, main",DEFAULT=YES,URI="audio.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
    '720p.m3u8',
    '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,CODECS="avc1.64001f",URI="720p_iframes.m3u8"',
    '#EXT-X-KEY:METHOD=AES-128,URI="key.bin",IV=0x1234',
    '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="session.key"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="URI=\\"nope\\""',
  ].join('\r\n');
  const seen: string[] = [];
  const out = rewritePlaylistUris(input, (u) => (seen.push(u), `/x/${u}`)).split('\r\n');
  assert.deepEqual(seen, ['audio.m3u8', '720p.m3u8', '720p_iframes.m3u8', 'key.bin', 'session.key']);
  assert.equal(out[1], '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English, main",DEFAULT=YES,URI="/x/audio.m3u8"');
  assert.equal(out[2], input.split('\r\n')[2]);
  assert.equal(out[3], '/x/720p.m3u8');
  assert.equal(out[4], '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,CODECS="avc1.64001f",URI="/x/720p_iframes.m3u8"');
  assert.equal(out[5], '#EXT-X-KEY:METHOD=AES-128,URI="/x/key.bin",IV=0x1234');
  assert.equal(out[6], '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="/x/session.key"');
  assert.equal(out.length, 8, 'CRLF line endings kept');
});

test('a NAME value containing ,URI= inside quotes is not taken for a URI attribute', () => {
  const line = '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x,URI=",URI="real.m3u8"';
  assert.equal(rewritePlaylistUris(line, (u) => `S(${u})`), '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x,URI=",URI="S(real.m3u8)"');
});

test('WebVTT storyboard: image payloads mapped with their #xywh fragment kept; everything else untouched', () => {
  const input = [
    'WEBVTT',
    '',
    'NOTE storyboard.jpg#xywh=0,0,1,1 in a note is not a cue',
    '',
    '1',
    '00:00:00.000 --> 00:00:05.000',
    'storyboard.jpg#xywh=0,0,160,90',
    '',
    '00:00:05.000 --> 00:00:10.000',
    'storyboard.jpg#xywh=160,0,160,90',
    '',
    '00:00:10.000 --> 00:00:15.000',
    'Hello storyboard.jpg, a caption',
    '',
    '00:00:15.000 --> 00:00:20.000',
    'sprites/sheet-2.png',
    '',
  ].join('\n');
  const out = rewriteVttUris(input, (u) => `/media/v1/${u}?exp=1&sig=a`).split('\n');
  assert.equal(out[6], '/media/v1/storyboard.jpg?exp=1&sig=a#xywh=0,0,160,90');
  assert.equal(out[9], '/media/v1/storyboard.jpg?exp=1&sig=a#xywh=160,0,160,90');
  assert.equal(out[12], 'Hello storyboard.jpg, a caption');
  assert.equal(out[15], '/media/v1/sprites/sheet-2.png?exp=1&sig=a');
  assert.equal(out[2], 'NOTE storyboard.jpg#xywh=0,0,1,1 in a note is not a cue');
  assert.deepEqual([out[0], out[4], out[5]], ['WEBVTT', '1', '00:00:00.000 --> 00:00:05.000']);
});

test('linearPlaylistTimes: segments at the sum of the EXTINF before them, an init at its last segment', () => {
  const input = [
    '#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-MAP:URI="720p/init_1.mp4"',
    '#EXTINF:2.000000,', '720p/seg_00000.m4s',
    '#EXTINF:4.000000,', '720p/seg_00001.m4s',
    '#EXTINF:3.500000,', '720p/seg_00002.m4s',
    '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="720p/init_2.mp4"',
    '#EXTINF:4.000000,', '720p/seg_00003.m4s',
    '#EXT-X-ENDLIST', '',
  ].join('\r\n');
  const times = linearPlaylistTimes(input);
  assert.deepEqual(Object.fromEntries(times), {
    '720p/init_1.mp4': 6, '720p/seg_00000.m4s': 0, '720p/seg_00001.m4s': 2, '720p/seg_00002.m4s': 6,
    '720p/init_2.mp4': 9.5, '720p/seg_00003.m4s': 9.5,
  });
});
