// A full disk during an upload, for real: the data dir is a 12 MB tmpfs
// (mounting needs root, which CI and the README's machine have).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-full-'));
let t: TestApp;
before(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test mounts a small tmpfs to fill the disk for real: run it as root');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', dir]);
  t = await startTestApp({}, dir);
  await t.app.sluice.queue.stop();
});
after(async () => {
  await t?.close();
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

const headers = (token: string, extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, ...extra });

test('a full disk answers 507 SLUICE_ERR_UPLOAD_DISK_FULL, keeps what was written, and the upload completes once space is freed', async () => {
  const token = t.token({ aud: 'upload' });
  const file = randomBytes(16 * 1024 * 1024);
  const created = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: headers(token, { 'upload-length': String(file.length) }) });
  assert.equal(created.status, 201);
  const id = created.headers.get('sluice-video-id')!;
  const location = created.headers.get('location')!;
  const patch = await fetch(location, { method: 'PATCH', headers: headers(token, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }), body: file });
  assert.equal(patch.status, 507);
  assert.equal(((await patch.json()) as { error: { code: string } }).error.code, 'SLUICE_ERR_UPLOAD_DISK_FULL');
  assert.equal((await fetch(`${t.url}/healthz`)).status, 200, 'the server is still up');

  const head = await fetch(location, { method: 'HEAD', headers: headers(token) });
  const offset = Number(head.headers.get('upload-offset'));
  assert.ok(offset > 0 && offset < file.length, `kept ${offset} bytes`);

  execFileSync('mount', ['-o', 'remount,size=64m', dir]);
  const rest = await fetch(location, { method: 'PATCH', headers: headers(token, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: file.subarray(offset) });
  assert.equal(rest.status, 204);
  assert.ok(readFileSync(t.app.sluice.layout.original(id)).equals(file), 'the stored file is byte-identical');
});
