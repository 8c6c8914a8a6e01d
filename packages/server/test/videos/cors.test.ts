// Embedding from another site: every response a player or uploader reads
// cross-origin carries CORS headers for allowed origins only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { waitSettled } from '../support/api.js';
import type { StatusDocument } from '../../src/videos/status-document.js';

const SITE = 'https://site.example';
let t: TestApp;
let doc: StatusDocument;
before(async () => {
  t = await startTestApp({ SLUICE_CORS_ORIGINS: SITE });
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  doc = await waitSettled(t.url, r.videoId, r.videoToken);
});
after(() => t.close());

test('media bytes, playlists, status, errors and SSE carry Access-Control-Allow-Origin for an allowed origin', async () => {
  const cases: Array<[string, Record<string, string>, number]> = [
    [doc.mp4!, {}, 200],
    [doc.mp4!, { range: 'bytes=0-99' }, 206],
    [doc.mp4!.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`), {}, 403],
    [doc.hls!, {}, 200],
    [`${t.url}/api/videos/${doc.id}?token=${t.token({ aud: 'admin' })}`, {}, 200],
    [`${t.url}/api/videos/${doc.id}`, {}, 401],
    [`${t.url}/api/videos/${doc.id}/events?token=${t.token({ aud: 'admin' })}`, {}, 200],
  ];
  for (const [url, headers, status] of cases) {
    const res = await fetch(url, { headers: { origin: SITE, ...headers } });
    assert.equal(res.status, status, url);
    assert.equal(res.headers.get('access-control-allow-origin'), SITE, `${status} ${url}`);
    await res.body?.cancel();
  }
  const range = await fetch(doc.mp4!, { headers: { origin: SITE, range: 'bytes=0-9' } });
  assert.match(range.headers.get('access-control-expose-headers') ?? '', /Content-Range/i);
});

test('other origins get no CORS grant', async () => {
  for (const url of [doc.mp4!, doc.hls!]) {
    const res = await fetch(url, { headers: { origin: 'https://evil.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null, url);
    await res.body?.cancel();
  }
});

test('a malformed URL escape gets the JSON error shape, not a framework page', async () => {
  const res = await fetch(`${t.url}/media/%zz/video.mp4`);
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_REQUEST_INVALID');
});
