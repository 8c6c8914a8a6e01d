// A real upload (tus), real processing (ffmpeg) and real playback move the
// counters of /metrics by what happened, read through a Prometheus parser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { playlistUris, waitSettled } from '../support/api.js';
import { scrapeParsed, sum, value, type Families } from './metrics-support.js';

let t: TestApp;
let admin: string;
const metrics = (): Promise<Families> => scrapeParsed(t.url, admin);

before(async () => {
  t = await startTestApp();
  admin = t.token({ aud: 'admin' });
});
after(() => t.close());

test('an upload, its processing and its playback move the upload, job, rung, playlist and media counters', async () => {
  const clip = join(FIXTURES, 'clip-720p-10s.mp4');
  const before = await metrics();
  const { videoId, videoToken } = await tusUpload(`${t.url}/api/uploads`, clip, t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, videoId, videoToken);
  assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
  const processed = await metrics();

  assert.equal(value(processed, 'sluice_upload_bytes_total') - value(before, 'sluice_upload_bytes_total'), statSync(clip).size);
  assert.equal(value(processed, 'sluice_uploads_completed_total') - value(before, 'sluice_uploads_completed_total'), 1);
  assert.equal(value(processed, 'sluice_uploads_in_flight'), 0);
  assert.equal(value(processed, 'sluice_job_duration_seconds', { result: 'ready' }) - value(before, 'sluice_job_duration_seconds', { result: 'ready' }), 1);
  assert.ok(sum(processed, 'sluice_job_duration_seconds', { result: 'ready' }) > 0);
  assert.equal(value(processed, 'sluice_jobs_queued'), 0);
  assert.equal(value(processed, 'sluice_jobs_active'), 0);
  assert.deepEqual(doc.renditions.map((r) => r.name), ['720p', '480p', '360p']);
  for (const rung of ['720p', '480p', '360p', 'mp4']) {
    assert.equal(value(processed, 'sluice_rung_encode_seconds', { rung }) - value(before, 'sluice_rung_encode_seconds', { rung }), 1, rung);
    assert.equal(value(processed, 'sluice_rung_realtime_factor', { rung }) - value(before, 'sluice_rung_realtime_factor', { rung }), 1, rung);
    assert.ok(sum(processed, 'sluice_rung_realtime_factor', { rung }) > 0, rung);
  }
  assert.equal(value(processed, 'sluice_rung_encode_seconds', { rung: '1080p' }), 0, 'no 1080p rung for a 720p source');

  // Playback: master, one media playlist, one segment by Range and whole, one bad signature.
  const master = await fetch(doc.hls!);
  assert.equal(master.status, 200);
  const variant = new URL(playlistUris(await master.text())[0]!, doc.hls!).href;
  const mediaPlaylist = await fetch(variant);
  assert.equal(mediaPlaylist.status, 200);
  const segment = playlistUris(await mediaPlaylist.text())[1]!;
  const ranged = await fetch(segment, { headers: { range: 'bytes=0-999' } });
  assert.equal(ranged.status, 206);
  assert.equal((await ranged.arrayBuffer()).byteLength, 1000);
  const whole = await fetch(segment);
  assert.equal(whole.status, 200);
  const wholeBytes = (await whole.arrayBuffer()).byteLength;
  const forged = await fetch(segment.replace(/sig=[^&]+/, 'sig=AAAA'));
  assert.equal(forged.status, 403);
  await forged.arrayBuffer();
  const notFound = await fetch(`${t.url}/api/videos/${'f'.repeat(32)}/hls/master.m3u8?token=${admin}`);
  assert.equal(notFound.status, 404);
  await notFound.arrayBuffer();

  const played = await metrics();
  const moved = (name: string, labels: Record<string, string>): number => value(played, name, labels) - value(processed, name, labels);
  assert.equal(moved('sluice_playlist_requests_total', { kind: 'master', status: '200' }), 1);
  assert.equal(moved('sluice_playlist_requests_total', { kind: 'media', status: '200' }), 1);
  assert.equal(moved('sluice_playlist_requests_total', { kind: 'master', status: '404' }), 1);
  assert.equal(moved('sluice_media_requests_total', { status: '206', kind: 'range' }), 1);
  assert.equal(moved('sluice_media_requests_total', { status: '200', kind: 'whole' }), 1);
  assert.equal(moved('sluice_media_requests_total', { status: '403', kind: 'whole' }), 1);
  assert.equal(moved('sluice_media_bytes_total', {}), 1000 + wholeBytes);
  // Local disk: the descriptor cache served the second request for the segment.
  assert.ok(moved('sluice_cache_misses_total', { cache: 'fd' }) >= 1);
  assert.ok(value(played, 'sluice_cache_hits_total', { cache: 'fd' }) + value(played, 'sluice_cache_misses_total', { cache: 'fd' }) >= 2);
});

test('a text file named .mp4 moves job failures by its code; an upload over the token limit moves upload failures by its code', async () => {
  const before = await metrics();
  const { videoId, videoToken } = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'text.mp4'), t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, videoId, videoToken);
  assert.equal(doc.error?.code, 'SLUICE_ERR_MEDIA_UNREADABLE');
  await assert.rejects(tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload', maxBytes: 1000 })));
  const after = await metrics();
  const moved = (name: string, labels: Record<string, string>): number => value(after, name, labels) - value(before, name, labels);
  assert.equal(moved('sluice_job_failures_total', { code: 'SLUICE_ERR_MEDIA_UNREADABLE' }), 1);
  assert.equal(moved('sluice_job_duration_seconds', { result: 'failed' }), 1);
  assert.equal(moved('sluice_uploads_failed_total', { code: 'SLUICE_ERR_UPLOAD_TOO_LARGE' }), 1);
  assert.equal(moved('sluice_uploads_completed_total', {}), 1, 'the text file was uploaded completely');
  assert.equal(moved('sluice_watchdog_kills_total', {}), 0);
});

/** Opens a tus upload of `length` bytes (no bytes yet). */
async function createUpload(length: number): Promise<{ location: string; id: string; token: string }> {
  const res = await fetch(`${t.url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-length': String(length) },
  });
  assert.equal(res.status, 201, await res.text());
  return { location: res.headers.get('location')!, id: res.headers.get('sluice-video-id')!, token: res.headers.get('sluice-video-token')! };
}

test('a PATCH streaming bytes is in flight until answered; an open status stream is an SSE connection until it closes', async () => {
  const half = 64 * 1024;
  const upload = await createUpload(half * 4);
  const before = await metrics();

  // A PATCH that sends half its bytes and holds the rest back.
  const url = new URL(upload.location);
  const patch = request(url, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-offset': '0',
      'content-type': 'application/offset+octet-stream', 'content-length': String(half * 2),
    },
  });
  const answer = new Promise<number>((resolve, reject) => { patch.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); }); patch.on('error', reject); });
  patch.write(Buffer.alloc(half, 1));
  await waitFor('the PATCH in flight', async () => value(await metrics(), 'sluice_uploads_in_flight') === 1 || undefined, 30_000);
  patch.end(Buffer.alloc(half, 2));
  assert.equal(await answer, 204);
  const patched = await metrics();
  assert.equal(value(patched, 'sluice_uploads_in_flight'), 0);
  assert.equal(value(patched, 'sluice_upload_bytes_total') - value(before, 'sluice_upload_bytes_total'), half * 2);
  assert.equal(value(patched, 'sluice_uploads_completed_total') - value(before, 'sluice_uploads_completed_total'), 0, 'half an upload is not complete');

  // tus's own refusal (a stale offset) is counted by its code, and adds no bytes.
  const stale = await fetch(upload.location, {
    method: 'PATCH', body: Buffer.alloc(10),
    headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
  });
  assert.equal(stale.status, 409);
  await stale.arrayBuffer();
  const refused = await metrics();
  assert.equal(value(refused, 'sluice_uploads_failed_total', { code: 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH' }) - value(patched, 'sluice_uploads_failed_total', { code: 'SLUICE_ERR_UPLOAD_OFFSET_MISMATCH' }), 1);
  assert.equal(value(refused, 'sluice_upload_bytes_total'), value(patched, 'sluice_upload_bytes_total'));

  // The video is still uploading, so its event stream stays open.
  const abort = new AbortController();
  const events = await fetch(`${t.url}/api/videos/${upload.id}/events?token=${upload.token}`, { signal: abort.signal });
  assert.equal(events.status, 200);
  const reader = events.body!.getReader();
  await reader.read();
  assert.equal(value(await metrics(), 'sluice_sse_connections'), 1);
  abort.abort();
  await reader.cancel().catch(() => undefined);
  await waitFor('the stream to close', async () => value(await metrics(), 'sluice_sse_connections') === 0 || undefined, 30_000);
});
