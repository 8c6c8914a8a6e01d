// Text subtitle streams of the original become `embedded` tracks during
// processing (real ffmpeg): an MKV with two subrip streams and an MP4 with
// mov_text, generated here from an .srt written here. Reprocessing replaces
// embedded tracks and keeps uploaded ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptionTrack, StatusDocument } from '@sluice/protocol';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { getStatus, waitSettled } from '../support/api.js';
import { checkMasterPlaylist, parseVttCues } from './support/hls-checks.js';

const SRT_EN = '1\n00:00:00,400 --> 00:00:01,600\nHello from the MKV\n\n2\n00:00:02,000 --> 00:00:03,500\nSecond <i>cue</i>\n';
const SRT_FR = '1\n00:00:01,000 --> 00:00:02,000\nBonjour\n';
const SRT_ES = '1\n00:00:00,500 --> 00:00:02,250\nHola desde el MP4\n';

let t: TestApp;
let dir: string;
before(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'sluice-captions-x-'));
  writeFileSync(join(dir, 'en.srt'), SRT_EN);
  writeFileSync(join(dir, 'fr.srt'), SRT_FR);
  writeFileSync(join(dir, 'es.srt'), SRT_ES);
  const av = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4'];
  const enc = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...av, '-i', join(dir, 'en.srt'), '-i', join(dir, 'fr.srt'),
    '-map', '0:v', '-map', '1:a', '-map', '2:s', '-map', '3:s', ...enc, '-c:s', 'srt',
    '-metadata:s:s:0', 'language=eng', '-metadata:s:s:0', 'title=English SDH', '-disposition:s:0', 'default',
    '-metadata:s:s:1', 'language=fre', '-disposition:s:1', '0', join(dir, 'subs.mkv')]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...av, '-i', join(dir, 'es.srt'),
    '-map', '0:v', '-map', '1:a', '-map', '2:s', ...enc, '-c:s', 'mov_text', '-metadata:s:s:0', 'language=spa', join(dir, 'subs.mp4')]);
});
after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

async function process(file: string): Promise<{ doc: StatusDocument; token: string }> {
  const r = await tusUpload(`${t.url}/api/uploads`, join(dir, file), t.token({ aud: 'upload', sub: 'x' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  return { doc, token: r.videoToken };
}

async function cues(track: CaptionTrack): Promise<Array<{ start: number; end: number; text: string }>> {
  const res = await fetch(track.url);
  assert.equal(res.status, 200);
  return parseVttCues(await res.text());
}

describe('embedded subtitle streams are extracted as tracks', () => {
  test('MKV with two subrip streams: lang from ISO 639-2, label from title or language, default from disposition, cues and times kept; in the master', async () => {
    const { doc, token } = await process('subs.mkv');
    assert.deepEqual(doc.captions.map((c) => [c.lang, c.label, c.kind, c.default, c.source]), [
      ['en', 'English SDH', 'subtitles', true, 'embedded'],
      ['fr', 'French', 'subtitles', false, 'embedded'],
    ]);
    // The MKV muxer starts the video 23 ms in (AAC priming); cue times follow the video's first frame, which plays at 0.
    assert.deepEqual(await cues(doc.captions[0]!), [
      { start: 0.4, end: 1.6, text: 'Hello from the MKV' },
      { start: 2, end: 3.5, text: 'Second <i>cue</i>' },
    ]);
    assert.deepEqual(await cues(doc.captions[1]!), [{ start: 1, end: 2, text: 'Bonjour' }]);
    const master = await (await fetch(doc.hls!)).text();
    assert.deepEqual(checkMasterPlaylist(master).map((m) => [m.NAME, m.LANGUAGE, m.DEFAULT]), [['English SDH', 'en', 'YES'], ['French', 'fr', 'NO']]);

    // Reprocessing: embedded tracks are extracted again (new ids), uploaded ones stay.
    const admin = t.token({ aud: 'admin' });
    const upload = await fetch(`${t.url}/api/videos/${doc.id}/captions`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ lang: 'de', text: SRT_FR }),
    });
    const uploaded = (await upload.json()) as CaptionTrack;
    assert.equal((await fetch(`${t.url}/api/videos/${doc.id}/reprocess`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })).status, 202);
    await waitFor('reprocessing to start', async () => (await getStatus(t.url, doc.id, token)).status !== 'ready' || undefined, 60_000).catch(() => undefined);
    const again = await waitSettled(t.url, doc.id, token);
    assert.equal(again.status, 'ready');
    assert.deepEqual(again.captions.map((c) => [c.lang, c.source]).sort(), [['de', 'upload'], ['en', 'embedded'], ['fr', 'embedded']]);
    assert.equal(again.captions.find((c) => c.source === 'upload')?.id, uploaded.id);
    const oldIds = new Set(doc.captions.map((c) => c.id));
    assert.ok(again.captions.filter((c) => c.source === 'embedded').every((c) => !oldIds.has(c.id)), 'embedded tracks were replaced');
    assert.equal(checkMasterPlaylist(await (await fetch(again.hls!)).text()).length, 3, 'the uploaded track got its segments again');
  });

  test('MP4 with mov_text: extracted with its language and times', async () => {
    const { doc } = await process('subs.mp4');
    // ffmpeg's MP4 muxer marks the first track of each type default.
    assert.deepEqual(doc.captions.map((c) => [c.lang, c.label, c.default, c.source]), [['es', 'Spanish', true, 'embedded']]);
    assert.deepEqual(await cues(doc.captions[0]!), [{ start: 0.5, end: 2.25, text: 'Hola desde el MP4' }]);
  });
});
