// The pure parts of the thumbnail route: reading time and width, clamping the
// width, picking the rendition, snapping to a keyframe and finding its
// segment in a finished or still-growing media playlist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SluiceError } from '../../src/errors.js';
import { canonicalQuery, clampWidth, parseThumbnailQuery } from '../../src/thumbnails/thumbnail-params.js';
import { parseMediaPlaylist, pickRendition, planThumbnail, type ThumbnailPlan } from '../../src/thumbnails/thumbnail-plan.js';

const playlist = (durations: number[], ended: boolean): string => [
  '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:4', '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-MAP:URI="360p/init.mp4"',
  ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(6)},`, `360p/seg_${String(i).padStart(5, '0')}.m4s`]),
  ...(ended ? ['#EXT-X-ENDLIST'] : []), '',
].join('\n');

const plan = (text: string, time: number, duration: number): ThumbnailPlan => {
  const p = planThumbnail(parseMediaPlaylist(text), time, duration);
  assert.notEqual(p, 'not-yet');
  return p as ThumbnailPlan;
};

test('time and width are read strictly; the canonical query ignores spelling', () => {
  assert.deepEqual(parseThumbnailQuery({ time: '12.50', width: '480' }), { time: 12.5, width: 480 });
  assert.deepEqual(parseThumbnailQuery({}), { time: undefined, width: undefined });
  for (const bad of [{ time: '-1' }, { time: 'NaN' }, { time: '1e309' }, { time: 'Infinity' }, { time: '0x10' }, { time: ' 1' }, { width: '1.5' }, { width: '+5' }, { time: ['1', '2'] }]) {
    assert.throws(() => parseThumbnailQuery(bad), (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_ERR_THUMBNAIL_INVALID', JSON.stringify(bad));
  }
  assert.equal(canonicalQuery(parseThumbnailQuery({ time: '3.000', width: '0480' })), 'time=3&width=480');
  assert.equal(canonicalQuery(parseThumbnailQuery({})), 'time=&width=');
});

test('width: [32, 1920], no wider than the widest rendition, even', () => {
  assert.equal(clampWidth(undefined, 1920), 640);
  assert.equal(clampWidth(undefined, 426), 426);
  assert.equal(clampWidth(1, 1280), 32);
  assert.equal(clampWidth(481, 1280), 480);
  assert.equal(clampWidth(100_000, 3840), 1920);
  assert.equal(clampWidth(100_000, 853), 852);
});

test('rendition: the smallest at least as wide, else the widest', () => {
  const ladder = [{ name: '720p', width: 1280, height: 720, bandwidth: 3e6 }, { name: '360p', width: 640, height: 360, bandwidth: 8e5 }, { name: '480p', width: 854, height: 480, bandwidth: 1.4e6 }];
  assert.equal(pickRendition(ladder, 320)?.name, '360p');
  assert.equal(pickRendition(ladder, 700)?.name, '480p');
  assert.equal(pickRendition(ladder, 1280)?.name, '720p');
  assert.equal(pickRendition(ladder, 1920)?.name, '720p');
  assert.equal(pickRendition([], 320), undefined);
});

test('finished playlist: snaps down to the 2 s keyframe grid, finds the segment, clamps past the end to the last keyframe', () => {
  // First segment 2 s (hls_init_time), then 4 s, last one short: 10.5 s.
  const text = playlist([2, 4, 4, 0.5], true);
  assert.deepEqual([0, 1.99, 2, 3.9, 5.99, 6, 9.99, 10.2].map((t) => { const p = plan(text, t, 10.5); return [p.keyframeTime, p.segment, p.cutoff]; }), [
    [0, '360p/seg_00000.m4s', 1], [0, '360p/seg_00000.m4s', 1], [2, '360p/seg_00001.m4s', 1], [2, '360p/seg_00001.m4s', 1],
    [4, '360p/seg_00001.m4s', 3], [6, '360p/seg_00002.m4s', 1], [8, '360p/seg_00002.m4s', 3], [10, '360p/seg_00003.m4s', 1],
  ]);
  assert.equal(plan(text, 1e6, 10.5).keyframeTime, 10, 'past the end: the last keyframe');
  assert.equal(plan(text, 10, 10).keyframeTime, 8, 'exactly the duration: the keyframe before the last frame');
  assert.equal(plan(text, 3, 10.5).init, '360p/init.mp4');
});

test('growing playlist: what is listed is served, later times are not-yet; the key generation is stable as it grows and changes with other segments', () => {
  const growing = playlist([2, 4], false);
  assert.equal(plan(growing, 5.9, 30).keyframeTime, 4);
  assert.equal(planThumbnail(parseMediaPlaylist(growing), 6, 30), 'not-yet');
  assert.equal(planThumbnail(parseMediaPlaylist(playlist([], false)), 0, 30), 'not-yet');
  const later = plan(playlist([2, 4, 4, 4], false), 3, 30);
  assert.equal(later.generation, plan(growing, 3, 30).generation);
  assert.notEqual(plan(playlist([2, 2, 2], true), 3, 6).generation, plan(growing, 3, 30).generation, 'reprocessed with other segment lengths');
});
