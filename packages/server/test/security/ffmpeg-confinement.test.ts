// Attacks on the real server and real ffmpeg: as user B, upload files whose
// bytes make ffmpeg read something else (user A's original or renditions, any
// absolute path, a network URL). Each must fail with a SLUICE_ERR_MEDIA_* code
// and produce nothing; every legitimate container must still process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import type { StatusDocument } from '../../src/videos/status-document.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
let t: TestApp;
let work: string;
let victim: { id: string; rendition: string };
/** A web server the crafted playlists point at; every request it sees is an SSRF. */
let bait: Server;
let baitRequests = 0;
let baitUrl = '';

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'sluice-attack-'));
  t = await startTestApp();
  bait = createServer((_req, res) => { baitRequests += 1; res.end(); });
  await new Promise<void>((r) => bait.listen(0, '127.0.0.1', r));
  baitUrl = `http://127.0.0.1:${(bait.address() as AddressInfo).port}`;
  // User A's video, processed to ready.
  const a = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, a.videoId, a.videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  victim = { id: a.videoId, rendition: doc.renditions[0]!.name };
});
after(async () => {
  await t.close();
  await new Promise((r) => bait.close(r));
  rmSync(work, { recursive: true, force: true });
});

/** Uploads `text` as user B (a token of its own) and waits until processing settles. */
async function uploadAsB(name: string, text: string): Promise<{ id: string; doc: StatusDocument }> {
  const file = join(work, name);
  writeFileSync(file, text);
  const r = await tusUpload(`${t.url}/api/uploads`, file, t.token({ aud: 'upload' }), { metadata: { filename: name } });
  return { id: r.videoId, doc: await waitSettled(t.url, r.videoId, t.token({ aud: 'admin' })) };
}

function assertRefused(id: string, doc: StatusDocument): void {
  assert.equal(doc.status, 'failed', `became ${doc.status}: ffmpeg read what the upload named`);
  assert.match(doc.error?.code ?? '', /^SLUICE_ERR_MEDIA_/);
  assert.doesNotMatch(doc.error!.message, new RegExp(t.config.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no server path in the message');
  assert.deepEqual(doc.renditions, []);
  assert.equal(doc.hls, undefined);
  const out = t.app.sluice.media.outDir(id);
  const produced = existsSync(out) ? readdirSync(out, { recursive: true }) : [];
  assert.deepEqual(produced, [], 'no rendition, poster or storyboard was written');
}

describe("another user's video cannot be read through ffmpeg", () => {
  const media = (): string => join(t.config.dataDir, 'media', victim.id);
  const cases: Array<[string, string, () => string]> = [
    ['ffconcat naming A\'s original by a relative path', 'a.ffconcat', () => `ffconcat version 1.0\nfile ${victim.id}\n`],
    ['ffconcat naming A\'s MP4 by an absolute path', 'b.ffconcat', () => `ffconcat version 1.0\nfile ${join(media(), 'video.mp4')}\n`],
    ['ffconcat naming A\'s MP4 by a file: URL', 'c.ffconcat', () => `ffconcat version 1.0\nfile 'file:${join(media(), 'video.mp4')}'\n`],
    ['m3u8 naming ../media/<A>/video.mp4', 'a.m3u8', () => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n../media/${victim.id}/video.mp4\n#EXT-X-ENDLIST\n`],
    ['m3u8 naming A\'s init + segments by ../media/…', 'b.m3u8', () => [
      '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2',
      `#EXT-X-MAP:URI="../media/${victim.id}/hls/${victim.rendition}/init.mp4"`,
      '#EXTINF:2,', `../media/${victim.id}/hls/${victim.rendition}/seg_00000.m4s`, '#EXT-X-ENDLIST', ''].join('\n')],
    ['m3u8 naming A\'s MP4 by a file:// absolute URL', 'c.m3u8', () => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile://${join(media(), 'video.mp4')}\n#EXT-X-ENDLIST\n`],
  ];
  for (const [name, file, body] of cases) {
    test(name, async () => {
      const { id, doc } = await uploadAsB(file, body());
      assertRefused(id, doc);
      assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_FORMAT_NOT_ALLOWED', doc.error?.message);
    });
  }

  test('a playlist or script naming a network URL is never fetched', async () => {
    const before = baitRequests;
    for (const [file, text] of [
      ['net.m3u8', `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${baitUrl}/seg.ts\n#EXT-X-ENDLIST\n`],
      ['net-master.m3u8', `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n${baitUrl}/media.m3u8\n`],
      ['net.ffconcat', `ffconcat version 1.0\nfile '${baitUrl}/clip.mp4'\n`],
    ] as const) {
      const { id, doc } = await uploadAsB(file, text);
      assertRefused(id, doc);
    }
    assert.equal(baitRequests - before, 0, 'the bait server saw a request');
  });

  test("A's files are untouched and still served", async () => {
    const doc = await waitSettled(t.url, victim.id, t.token({ aud: 'admin' }));
    assert.equal(doc.status, 'ready');
    assert.equal((await fetch(doc.mp4!)).status, 200);
  });
});

describe('every legitimate container still processes', () => {
  const tiny = join(FIXTURES, 'tiny-2s.mp4');
  const clips: Array<[string, string[]]> = [
    ['tiny.mkv', ['-i', tiny, '-c', 'copy']],
    ['tiny.webm', ['-i', tiny, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-c:a', 'libopus']],
    ['tiny.ts', ['-i', tiny, '-c', 'copy', '-f', 'mpegts']],
    ['tiny.mov', ['-i', tiny, '-c', 'copy']],
    ['tiny.avi', ['-i', tiny, '-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'mp3']],
  ];
  for (const [name, args] of clips) {
    test(name, async () => {
      const file = join(work, name);
      execFileSync(FFMPEG, ['-v', 'error', '-y', ...args, file]);
      const r = await tusUpload(`${t.url}/api/uploads`, file, t.token({ aud: 'upload' }));
      const doc = await waitSettled(t.url, r.videoId, r.videoToken);
      assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
      assert.ok(Math.abs(doc.duration! - 2) < 0.2, `duration ${doc.duration}`);
    });
  }
});
