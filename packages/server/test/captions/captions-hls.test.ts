// Caption tracks in HLS on the real pipeline (real ffmpeg, real server):
// the master's SUBTITLES rendition group checked against RFC 8216, the
// segmented WebVTT subtitle playlists, signed segment URLs (403/410), the
// timestamp map against the video's first tfdt, and adding/removing a track
// republishing the master without touching the encoded video.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CaptionTrack, StatusDocument } from '@sluice/protocol';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { playlistUris, waitSettled } from '../support/api.js';
import { checkMasterPlaylist, checkSubtitlePlaylist, firstTfdts, parseVttCues } from './support/hls-checks.js';

let t: TestApp;
let doc: StatusDocument;
let playback: string;
const owner = (app: TestApp): string => app.token({ aud: 'upload', sub: 'owner-hls' });

// Cues across the 10 s clip: one inside a segment, one across a 2 s boundary, one near the end.
const SRT = `1
00:00:00,500 --> 00:00:01,500
First cue

2
00:00:03,500 --> 00:00:04,500
Across a boundary

3
00:00:09,000 --> 00:00:09,800
Last cue
`;

before(async () => {
  t = await startTestApp();
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), owner(t));
  playback = r.videoToken;
  // Added right away, most likely before the probe: segmented once the duration is known.
  const add = await fetch(`${t.url}/api/videos/${r.videoId}/captions`, {
    method: 'POST', headers: { authorization: `Bearer ${owner(t)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ lang: 'en', label: 'English', text: SRT }),
  });
  assert.equal(add.status, 201, await add.clone().text());
  doc = await waitSettled(t.url, r.videoId, playback);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
});
after(() => t.close());

async function text(url: string, type: RegExp): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  assert.match(res.headers.get('content-type') ?? '', type, url);
  return res.text();
}

async function addTrack(body: Record<string, unknown>): Promise<CaptionTrack> {
  const res = await fetch(`${t.url}/api/videos/${doc.id}/captions`, {
    method: 'POST', headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as CaptionTrack;
}

function mtimes(): Map<string, number> {
  const root = join(t.config.dataDir, 'media', doc.id);
  const out = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'captions') walk(p); } else out.set(p, statSync(p).mtimeMs);
    }
  };
  walk(root);
  return out;
}

describe('captions in HLS', () => {
  test('the video\'s fMP4 starts at tfdt 0, which the segments\' X-TIMESTAMP-MAP (MPEGTS:0) assumes', async () => {
    const master = await text(doc.hls!, /mpegurl/);
    const variant = new URL(playlistUris(master).find((u) => !u.includes('subtitles-'))!, doc.hls!).href;
    const media = await text(variant, /mpegurl/);
    const [, first] = playlistUris(media);
    const bytes = new Uint8Array(await (await fetch(first!)).arrayBuffer());
    // Every track fragment (video, audio) of the first segment.
    assert.deepEqual(firstTfdts(bytes), [0, 0]);
  });

  test('master: a SUBTITLES group valid per RFC 8216, on every variant; subtitle playlist VOD, segments signed, cues where their time is', async () => {
    const master = await text(doc.hls!, /mpegurl/);
    const groups = checkMasterPlaylist(master);
    assert.equal(groups.length, 1);
    const [track] = groups;
    assert.deepEqual([track!.NAME, track!.LANGUAGE, track!.DEFAULT, track!.AUTOSELECT, track!.FORCED], ['English', 'en', 'NO', 'YES', 'NO']);
    assert.match(track!.URI!, /^subtitles-[a-f0-9]{16}\.m3u8\?token=/);
    const subsUrl = new URL(track!.URI!, doc.hls!).href;
    const playlist = await text(subsUrl, /mpegurl/);
    const segments = checkSubtitlePlaylist(playlist, doc.duration!);
    assert.equal(segments.length, 5, '10 s in 2 s segments');
    const cues: Array<{ start: number; end: number; text: string; segment: number }> = [];
    for (const [n, seg] of segments.entries()) {
      assert.match(seg.uri, /\/media\/[a-f0-9]{32}\/captions\/[a-f0-9]{16}\/\d{5}\.vtt\?exp=\d+&sig=/);
      const body = await text(seg.uri, /^text\/vtt/);
      assert.match(body, /^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00\.000\n\n/);
      for (const c of parseVttCues(body)) cues.push({ ...c, segment: n });
    }
    const where = (s: string): number[] => cues.filter((c) => c.text === s).map((c) => c.segment);
    assert.deepEqual(where('First cue'), [0]);
    assert.deepEqual(where('Across a boundary'), [1, 2], 'a cue spanning a boundary is in both segments');
    assert.deepEqual(where('Last cue'), [4]);
    for (const c of cues) assert.ok(c.start < (c.segment + 1) * 2 && c.end > c.segment * 2, `cue ${c.text} overlaps its segment ${c.segment}`);
    assert.deepEqual(cues.find((c) => c.text === 'Across a boundary'), { start: 3.5, end: 4.5, text: 'Across a boundary', segment: 1 });
  });

  test('segment URLs are signed like /media: tampered → 403, expired → 410, both no-store', async () => {
    const master = await text(doc.hls!, /mpegurl/);
    const [track] = checkMasterPlaylist(master);
    const playlist = await text(new URL(track!.URI!, doc.hls!).href, /mpegurl/);
    const url = new URL(playlistUris(playlist)[0]!);
    const tampered = new URL(url);
    tampered.searchParams.set('sig', `${url.searchParams.get('sig')!.slice(0, -2)}AA`);
    const bad = await fetch(tampered);
    assert.deepEqual([bad.status, bad.headers.get('cache-control')], [403, 'no-store']);
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = await fetch(`${url.origin}${url.pathname}?${t.app.sluice.signer.sign(url.pathname, past)}`);
    assert.deepEqual([expired.status, expired.headers.get('cache-control')], [410, 'no-store']);
  });

  test('?expiry=linear travels to the subtitle playlist; the playback token is required', async () => {
    const master = await text(`${doc.hls!}&expiry=linear`, /mpegurl/);
    const [track] = checkMasterPlaylist(master);
    assert.match(track!.URI!, /&expiry=linear$/);
    const bare = new URL(track!.URI!, doc.hls!);
    bare.searchParams.delete('token');
    assert.equal((await fetch(bare)).status, 401);
  });

  test('adding a default closed-captions track and removing every track republish the master; the video is not re-encoded', async () => {
    const before = mtimes();
    assert.ok(before.size > 10);
    const sdh = await addTrack({ lang: 'en', label: 'English', kind: 'captions', closedCaptions: true, default: true, text: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[door slams]\n' });
    let groups = checkMasterPlaylist(await text(doc.hls!, /mpegurl/));
    assert.deepEqual(groups.map((g) => [g.NAME, g.DEFAULT, g.CHARACTERISTICS]), [
      ['English', 'NO', undefined],
      ['English (2)', 'YES', 'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound'],
    ]);
    const status = await (await fetch(`${t.url}/api/videos/${doc.id}?token=${playback}`)).json() as StatusDocument;
    assert.deepEqual(status.captions.map((c) => [c.label, c.default, c.closedCaptions]), [['English', false, false], ['English', true, true]]);
    assert.equal(new URL(status.captions[1]!.url).searchParams.get('exp'), String(Date.parse(status.expiresAt!) / 1000), 'caption URLs expire with the MP4\'s');
    assert.equal(await text(status.captions[1]!.url, /^text\/vtt/), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[door slams]\n');
    for (const c of status.captions) {
      const res = await fetch(`${t.url}/api/videos/${doc.id}/captions/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.token({ aud: 'admin' })}` } });
      assert.equal(res.status, 204);
    }
    const master = await text(doc.hls!, /mpegurl/);
    assert.doesNotMatch(master, /SUBTITLES/);
    groups = checkMasterPlaylist(master);
    assert.deepEqual(groups, []);
    assert.equal((await fetch(new URL(`subtitles-${sdh.id}.m3u8?token=${playback}`, doc.hls!))).status, 404);
    assert.deepEqual(mtimes(), before, 'no rendition, MP4, poster or storyboard file was rewritten');
  });
});
