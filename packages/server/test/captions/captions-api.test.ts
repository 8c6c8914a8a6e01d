// The captions JSON API on a real server: add/list/replace/delete, who may
// do what, SRT → WebVTT conversion, the default flag, and hostile files
// refused with their code and nothing stored (no row, no file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CaptionTrack } from '@sluice/protocol';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { getStatus } from '../support/api.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(() => t.close());

const SRT = `1
00:00:00,500 --> 00:00:02,000
Hello <i>world</i> & <font color="red">friends</font>

2
00:00:03,000 --> 00:00:04,250
Second line
with two lines
`;
const SRT_AS_VTT = `WEBVTT

00:00:00.500 --> 00:00:02.000
Hello <i>world</i> &amp; &lt;font color="red"&gt;friends&lt;/font&gt;

00:00:03.000 --> 00:00:04.250
Second line
with two lines
`;

async function newVideo(owner: string | null, duration: number | null = 10): Promise<string> {
  const id = randomBytes(16).toString('hex');
  await t.app.sluice.store.createVideo({ id, status: 'ready', title: 'v', filename: 'v.mp4', size: 1, owner });
  if (duration !== null) await t.app.sluice.store.updateVideo(id, { duration });
  return id;
}

async function api(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const admin = (): string => t.token({ aud: 'admin' });
const codeOf = (json: unknown): string | undefined => (json as { error?: { code?: string } } | undefined)?.error?.code;

async function storedKeys(id: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of t.app.sluice.media.storage.list(`media/${id}/captions`)) keys.push(o.key);
  return keys.sort();
}

describe('captions API', () => {
  test('add an SRT track: converted to WebVTT exactly, listed, in the status document, its url served as text/vtt', async () => {
    const id = await newVideo('owner-a');
    const r = await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'EN-us', text: SRT });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const track = r.json as CaptionTrack;
    assert.match(track.id, /^[a-f0-9]{16}$/);
    assert.deepEqual({ ...track, id: '', url: '' }, { id: '', lang: 'en-US', label: 'American English', kind: 'subtitles', default: false, closedCaptions: false, source: 'upload', url: '' });
    const vtt = await fetch(track.url);
    assert.equal(vtt.status, 200);
    assert.match(vtt.headers.get('content-type') ?? '', /^text\/vtt/);
    assert.equal(await vtt.text(), SRT_AS_VTT);

    const playback = t.token({ aud: 'playback', sub: id });
    const list = await api('GET', `/api/videos/${id}/captions`, playback);
    assert.equal(list.status, 200);
    assert.deepEqual((list.json as { captions: CaptionTrack[] }).captions.map((c) => c.id), [track.id]);
    const doc = await getStatus(t.url, id, playback);
    assert.deepEqual(doc.captions.map((c) => [c.id, c.lang, c.label]), [[track.id, 'en-US', 'American English']]);
    assert.match(doc.captions[0]!.url, /\/media\/[a-f0-9]{32}\/captions\/[a-f0-9]{16}\.vtt\?exp=\d+&sig=/);
    // Segments and the playlist exist once the duration is known (10 s, 2 s segments → 5).
    assert.deepEqual(await storedKeys(id), [
      `media/${id}/captions/${track.id}.m3u8`, `media/${id}/captions/${track.id}.vtt`,
      ...[0, 1, 2, 3, 4].map((n) => `media/${id}/captions/${track.id}/0000${n}.vtt`),
    ]);
  });

  test('a WebVTT track keeps cue text, tags and valid settings; STYLE, NOTE and cue ids are dropped', async () => {
    const id = await newVideo(null, null);
    const text = '\uFEFFWEBVTT - title\n\nSTYLE\n::cue { color: red }\n\nNOTE a note\n\nid-1\n00:01.000 --> 00:02.000 align:start line:90% bogus:1\n<v Bob>Hi</v> &amp; <b>bye</b>\n';
    const r = await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'fr', label: 'Français (CC)', kind: 'captions', closedCaptions: true, default: true, text });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const track = r.json as CaptionTrack;
    assert.deepEqual([track.kind, track.closedCaptions, track.default, track.label], ['captions', true, true, 'Français (CC)']);
    assert.equal(await (await fetch(track.url)).text(), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start line:90%\n<v Bob>Hi</v> &amp; <b>bye</b>\n');
    assert.deepEqual(await storedKeys(id), [`media/${id}/captions/${track.id}.vtt`], 'no duration yet: no segments, no playlist');
  });

  test('auth: no token 401; playback lists but cannot add; another owner\'s upload token 404; the owner\'s upload token and admin may', async () => {
    const id = await newVideo('owner-a');
    const body = { lang: 'en', text: SRT };
    assert.equal((await api('GET', `/api/videos/${id}/captions`, undefined)).status, 401);
    assert.equal((await api('POST', `/api/videos/${id}/captions`, undefined, body)).status, 401);
    const playback = t.token({ aud: 'playback', sub: id });
    assert.equal((await api('GET', `/api/videos/${id}/captions`, playback)).status, 200);
    assert.equal((await api('GET', `/api/videos/${id}/captions`, t.token({ aud: 'playback', sub: 'f'.repeat(32) }))).status, 403);
    const byPlayback = await api('POST', `/api/videos/${id}/captions`, playback, body);
    assert.deepEqual([byPlayback.status, codeOf(byPlayback.json)], [403, 'SLUICE_ERR_AUTH_FORBIDDEN']);
    const other = await api('POST', `/api/videos/${id}/captions`, t.token({ aud: 'upload', sub: 'owner-b' }), body);
    assert.deepEqual([other.status, codeOf(other.json)], [404, 'SLUICE_ERR_VIDEO_NOT_FOUND']);
    const noSub = await api('POST', `/api/videos/${id}/captions`, t.token({ aud: 'upload' }), body);
    assert.equal(noSub.status, 404, 'an upload token without sub owns nothing');
    const owner = await api('POST', `/api/videos/${id}/captions`, t.token({ aud: 'upload', sub: 'owner-a' }), body);
    assert.equal(owner.status, 201);
    const trackId = (owner.json as CaptionTrack).id;
    assert.equal((await api('PUT', `/api/videos/${id}/captions/${trackId}`, t.token({ aud: 'upload', sub: 'owner-b' }), body)).status, 404);
    assert.equal((await api('DELETE', `/api/videos/${id}/captions/${trackId}`, playback)).status, 403);
    assert.equal((await api('DELETE', `/api/videos/${id}/captions/${trackId}`, t.token({ aud: 'upload', sub: 'owner-a' }))).status, 204);
    const importedVideo = await newVideo(null);
    assert.equal((await api('POST', `/api/videos/${importedVideo}/captions`, t.token({ aud: 'upload', sub: 'owner-a' }), body)).status, 404, 'a video without owner: admin only');
    assert.equal((await api('POST', `/api/videos/${importedVideo}/captions`, admin(), body)).status, 201);
  });

  test('default moves; replace changes text and fields; delete removes row and files; unknown tracks 404', async () => {
    const id = await newVideo('o');
    const a = (await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'en', default: true, text: SRT })).json as CaptionTrack;
    const b = (await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'de', text: SRT })).json as CaptionTrack;
    const list = async (): Promise<CaptionTrack[]> => ((await api('GET', `/api/videos/${id}/captions`, admin())).json as { captions: CaptionTrack[] }).captions;
    assert.deepEqual((await list()).map((c) => [c.id, c.default]), [[a.id, true], [b.id, false]]);
    const put = await api('PUT', `/api/videos/${id}/captions/${b.id}`, admin(), { lang: 'de-AT', label: 'Österreichisch', default: true, text: 'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nServus\n' });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual((await list()).map((c) => [c.id, c.default, c.lang, c.label]), [[a.id, false, 'en', 'English'], [b.id, true, 'de-AT', 'Österreichisch']]);
    assert.equal(await (await fetch((put.json as CaptionTrack).url)).text(), 'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nServus\n');
    const missing = await api('PUT', `/api/videos/${id}/captions/${'0'.repeat(16)}`, admin(), { lang: 'en', text: SRT });
    assert.deepEqual([missing.status, codeOf(missing.json)], [404, 'SLUICE_ERR_CAPTIONS_NOT_FOUND']);
    assert.equal((await api('DELETE', `/api/videos/${id}/captions/not-an-id`, admin())).status, 404);
    assert.equal((await api('DELETE', `/api/videos/${id}/captions/${b.id}`, admin())).status, 204);
    assert.equal((await api('DELETE', `/api/videos/${id}/captions/${b.id}`, admin())).status, 404);
    assert.deepEqual((await list()).map((c) => c.id), [a.id]);
    assert.ok((await storedKeys(id)).every((k) => !k.includes(b.id)), 'the deleted track\'s files are gone');
    assert.equal((await api('DELETE', `/api/videos/${id}`, admin())).status, 204);
    assert.deepEqual(await storedKeys(id), [], 'deleting the video deletes its tracks');
    assert.deepEqual(await t.app.sluice.store.captions.list(id), []);
  });
});

describe('hostile caption files are refused with their code, and nothing is stored', () => {
  const cues = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\n00:00:01,000 --> 00:00:02,000\n${'x'.repeat(40)}\n`).join('\n');
  const cases: Array<[string, unknown, number, string]> = [
    ['binary (PNG header and NULs)', { lang: 'en', text: '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['a cue with no timing', { lang: 'en', text: 'WEBVTT\n\nhello there\nno timing\n' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['an SRT cue with no timing', { lang: 'en', text: '1\nhello\n' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['a cue that ends before it starts', { lang: 'en', text: 'WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nback\n' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['a malformed timestamp', { lang: 'en', text: 'WEBVTT\n\n00:00:61.000 --> 00:01:01.000\nbad\n' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['not captions at all', { lang: 'en', text: '<html><script>alert(1)</script></html>' }, 400, 'SLUICE_ERR_CAPTIONS_INVALID'],
    ['unpaired surrogates (not Unicode)', '{"lang":"en","text":"WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\n\\ud800 broken\\n"}', 400, 'SLUICE_ERR_CAPTIONS_ENCODING'],
    ['10 MB of cues', { lang: 'en', text: cues(150_000) }, 413, 'SLUICE_ERR_CAPTIONS_TOO_LARGE'],
    ['20 001 cues under 2 MB', { lang: 'en', text: Array.from({ length: 20_001 }, () => '00:00:01.000 --> 00:00:02.000\nx\n').join('\n').replace(/^/, 'WEBVTT\n\n') }, 413, 'SLUICE_ERR_CAPTIONS_TOO_LARGE'],
    ['a bad language tag', { lang: 'en_US!', text: SRT }, 400, 'SLUICE_ERR_CAPTIONS_LANGUAGE'],
    ['no language', { text: SRT }, 400, 'SLUICE_ERR_CAPTIONS_LANGUAGE'],
    ['a label with a quote', { lang: 'en', label: 'Eng"lish', text: SRT }, 400, 'SLUICE_ERR_CAPTIONS_LABEL'],
    ['a label with a newline', { lang: 'en', label: 'Eng\nlish', text: SRT }, 400, 'SLUICE_ERR_CAPTIONS_LABEL'],
    ['a bad kind', { lang: 'en', kind: 'chapters', text: SRT }, 400, 'SLUICE_ERR_REQUEST_INVALID'],
    ['no text', { lang: 'en' }, 400, 'SLUICE_ERR_REQUEST_INVALID'],
  ];
  for (const [name, body, status, code] of cases) {
    test(name, async () => {
      const id = await newVideo('o');
      const r = await api('POST', `/api/videos/${id}/captions`, admin(), body);
      assert.deepEqual([r.status, codeOf(r.json)], [status, code], JSON.stringify(r.json).slice(0, 300));
      assert.deepEqual(await t.app.sluice.store.captions.list(id), []);
      assert.deepEqual(await storedKeys(id), []);
    });
  }

  test('invalid UTF-8 bytes in the JSON body: ENCODING, not replacement characters', async () => {
    const id = await newVideo('o');
    const body = Buffer.concat([Buffer.from('{"lang":"en","text":"WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\nbad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\\n"}')]);
    const res = await fetch(`${t.url}/api/videos/${id}/captions`, { method: 'POST', headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' }, body });
    assert.deepEqual([res.status, codeOf(await res.json())], [400, 'SLUICE_ERR_CAPTIONS_ENCODING']);
    assert.deepEqual(await t.app.sluice.store.captions.list(id), []);
    assert.deepEqual(await storedKeys(id), []);
    const anonymous = await fetch(`${t.url}/api/videos/${id}/captions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(anonymous.status, 401, 'the token is checked before the body');
  });

  test('a body far over the limit (20 MB) is the same TOO_LARGE', async () => {
    const id = await newVideo('o');
    const r = await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'en', text: '"'.repeat(10 * 1024 * 1024) });
    assert.deepEqual([r.status, codeOf(r.json)], [413, 'SLUICE_ERR_CAPTIONS_TOO_LARGE']);
    assert.deepEqual(await storedKeys(id), []);
  });

  test('the 33rd track is refused with LIMIT; a refused replace keeps the old track', async () => {
    const id = await newVideo('o', null);
    for (let i = 0; i < 32; i++) assert.equal((await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'en', text: SRT })).status, 201);
    const r = await api('POST', `/api/videos/${id}/captions`, admin(), { lang: 'en', text: SRT });
    assert.deepEqual([r.status, codeOf(r.json)], [409, 'SLUICE_ERR_CAPTIONS_LIMIT']);
    const tracks = await t.app.sluice.store.captions.list(id);
    assert.equal(tracks.length, 32);
    assert.equal((await storedKeys(id)).length, 32);
    const bad = await api('PUT', `/api/videos/${id}/captions/${tracks[0]!.id}`, admin(), { lang: 'en', text: 'WEBVTT\n\nno timing\n' });
    assert.equal(codeOf(bad.json), 'SLUICE_ERR_CAPTIONS_INVALID');
    assert.equal(await t.app.sluice.store.captions.text(id, tracks[0]!.id), SRT_AS_VTT);
  });
});
