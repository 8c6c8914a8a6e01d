// Upload → processing → signed delivery, on the real pipeline (real ffmpeg)
// and a real server on port 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { getStatus, playlistUris, waitSettled } from '../support/api.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(() => t.close());

async function upload(name: string): Promise<{ id: string; token: string }> {
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, name), t.token({ aud: 'upload' }));
  return { id: r.videoId, token: r.videoToken };
}

async function fetchOk(url: string, type: RegExp, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers });
  assert.ok(res.status === 200 || res.status === 206, `${url} → ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', type, url);
  return res;
}

describe('valid uploads reach ready and every output is served by signed URLs', () => {
  for (const [fixture, expect] of [
    ['tiny-2s.mp4', { width: 320, height: 240, audio: true }],
    ['odd-853x479.mp4', { width: 852, height: 478, audio: true }],
    ['no-audio.mp4', { width: 640, height: 360, audio: false }],
    ['portrait-rotated.mp4', { width: 720, height: 1280, audio: true }],
  ] as const) {
    test(fixture, async () => {
      const { id, token } = await upload(fixture);
      const doc = await waitSettled(t.url, id, token);
      assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
      assert.equal(doc.playable, true);
      assert.equal(doc.progress, 1);
      assert.ok(doc.duration! > 1);
      assert.ok(doc.renditions.length >= 1);
      const top = doc.renditions[0]!;
      assert.ok(top.width % 2 === 0 && top.height % 2 === 0, 'even sizes');
      assert.ok(Math.abs(top.width - expect.width) <= 2 && Math.abs(top.height - expect.height) <= 2, `top rung ${top.width}x${top.height}`);

      const master = await (await fetchOk(doc.hls!, /mpegurl/i)).text();
      assert.match(master, /#EXT-X-STREAM-INF:.*BANDWIDTH=\d+/);
      assert.match(master, /RESOLUTION=\d+x\d+/);
      assert.match(master, expect.audio ? /CODECS="avc1\.[0-9a-fA-F]+,mp4a\.40\.2"/ : /CODECS="avc1\.[0-9a-fA-F]+"/);
      const variant = new URL(playlistUris(master)[0]!, doc.hls!).href;
      assert.match(variant, /token=/);
      const media = await (await fetchOk(variant, /mpegurl/i)).text();
      assert.match(media, /#EXT-X-ENDLIST/);
      const [init, firstSegment] = playlistUris(media);
      assert.match(init!, /\/media\/.*\?exp=\d+&sig=/);
      const initRes = await fetchOk(init!, /mp4/);
      assert.ok((await initRes.arrayBuffer()).byteLength > 100);
      await fetchOk(firstSegment!, /video\/iso\.segment|mp4/);

      const mp4 = await fetchOk(doc.mp4!, /video\/mp4/, { range: 'bytes=0-99' });
      assert.equal(mp4.status, 206);
      assert.equal((await mp4.arrayBuffer()).byteLength, 100);
      await fetchOk(doc.poster!, /image\/jpeg/);
      const vtt = await (await fetchOk(doc.storyboard!, /text\/vtt/)).text();
      assert.match(vtt, /^WEBVTT/);
      const sprite = /(\S+)#xywh=\d+,\d+,\d+,\d+/.exec(vtt);
      assert.ok(sprite, 'storyboard cues reference the sprite');
      await fetchOk(sprite[1]!, /image\/jpeg/);
    });
  }
});

describe('invalid uploads reach failed with a code, and the original is kept', () => {
  for (const [fixture, code] of [
    ['empty.mp4', 'SLUICE_ERR_MEDIA_EMPTY'],
    ['text.mp4', 'SLUICE_ERR_MEDIA_UNREADABLE'],
    ['truncated.mp4', 'SLUICE_ERR_MEDIA_UNREADABLE'],
    ['audio-only.m4a', 'SLUICE_ERR_MEDIA_NO_VIDEO'],
  ] as const) {
    test(fixture, async () => {
      const { id, token } = await upload(fixture);
      const doc = await waitSettled(t.url, id, token);
      assert.equal(doc.status, 'failed');
      assert.equal(doc.error?.code, code);
      assert.ok(doc.error!.message.length > 10);
      assert.equal(doc.hls, undefined);
      assert.ok(existsSync(t.app.sluice.layout.original(id)), 'original kept for inspection');
    });
  }
});

test('the status turns playable while ffmpeg still runs, and SSE reports it', async () => {
  const { id, token } = await upload('clip-720p-10s.mp4');
  const res = await fetch(`${t.url}/api/videos/${id}/events?token=${token}`);
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const decoder = new TextDecoder();
  const docs: Array<{ status: string; playable: boolean; progress: number }> = [];
  let buffer = '';
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let i: number;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const data = /^data: (.*)$/m.exec(event);
      if (/^event: status$/m.test(event) && data) docs.push(JSON.parse(data[1]!) as (typeof docs)[number]);
    }
  }
  assert.equal(docs.at(-1)!.status, 'ready', 'the stream ends with ready');
  assert.ok(docs.some((d) => d.status === 'processing' && d.playable), 'playable while still processing');
  const progress = docs.map((d) => d.progress);
  assert.ok(progress.some((p) => p > 0 && p < 1), 'intermediate progress was published');
  const processing = docs.filter((d) => d.status === 'processing').map((d) => d.progress);
  assert.deepEqual(processing, [...processing].sort((a, b) => a - b), 'progress never goes backwards');
});

test('signed URLs: tampered → 403, expired → 410 no-store', async () => {
  const { id } = await upload('tiny-2s.mp4');
  const admin = t.token({ aud: 'admin' });
  await waitSettled(t.url, id, admin);
  const short = t.token({ aud: 'playback', sub: id, mediaTtl: 1 });
  const doc = await getStatus(t.url, id, short);
  const tampered = doc.mp4!.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'));
  assert.equal((await fetch(tampered)).status, 403);
  await new Promise((r) => setTimeout(r, 2100));
  const expired = await fetch(doc.mp4!);
  assert.equal(expired.status, 410);
  assert.equal(expired.headers.get('cache-control'), 'no-store');
  assert.equal((await fetch(tampered)).status, 403, 'bad signature stays 403 when also expired');
});

test('reprocess runs the job again; delete removes the video and its files', async () => {
  const { id } = await upload('tiny-2s.mp4');
  const admin = t.token({ aud: 'admin' });
  await waitSettled(t.url, id, admin);
  const re = await fetch(`${t.url}/api/videos/${id}/reprocess`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
  assert.equal(re.status, 202);
  assert.equal((await waitSettled(t.url, id, admin)).status, 'ready');
  const jobs = (await (await fetch(`${t.url}/api/admin/jobs`, { headers: { authorization: `Bearer ${admin}` } })).json()) as Record<string, unknown>;
  for (const key of ['running', 'queued', 'completed', 'failed', 'current', 'errors']) assert.ok(key in jobs, key);
  assert.ok((jobs.completed as number) >= 2);
  const del = await fetch(`${t.url}/api/videos/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
  assert.equal(del.status, 204);
  assert.equal((await fetch(`${t.url}/api/videos/${id}?token=${admin}`)).status, 404);
  assert.ok(!existsSync(t.app.sluice.layout.mediaDir(id)));
  assert.ok(!existsSync(t.app.sluice.layout.original(id)));
});
