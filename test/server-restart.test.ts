// Journeys through the real `sluice` CLI process: a crash (SIGKILL) in the
// middle of a transcode, and `sluice import` of an existing file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, startSluice } from './support/sluice-server.mjs';
import { tusUpload } from '../packages/server/test/support/tus.js';
import { getStatus, waitSettled } from '../packages/server/test/support/api.js';
import { FIXTURES } from '../packages/server/test/support/test-app.js';

const run = promisify(execFile);

/** pids of processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text); } catch { return false; }
  }).map(Number);
}
const env = { SLUICE_SEGMENT_SECONDS: '2' };

async function mint(url: string, body: object): Promise<string> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

test('a server killed mid-transcode finishes the video after it restarts', async () => {
  let server = await startSluice({ env });
  try {
    const upload = await mint(server.url, { aud: 'upload' });
    const { videoId, videoToken } = await tusUpload(`${server.url}/api/uploads`, join(FIXTURES, 'clip-720p-10s.mp4'), upload);
    // Wait until ffmpeg is well under way, then crash the whole process.
    for (;;) {
      const doc = await getStatus(server.url, videoId, videoToken);
      assert.notEqual(doc.status, 'ready', 'transcode finished before the crash: use a longer clip');
      if (doc.status === 'processing' && doc.progress > 0.05) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(processesMentioning(`${server.dataDir}/media`).length > 0, 'ffmpeg is running before the crash');
    await server.kill();
    // ffmpeg runs under setpriv --pdeathsig KILL: the kernel stops it with its parent (no pid file).
    for (let i = 0; processesMentioning(`${server.dataDir}/media`).length > 0; i++) {
      assert.ok(i < 100, 'ffmpeg outlived the crashed server');
      await new Promise((r) => setTimeout(r, 50));
    }
    server = await startSluice({ env, dataDir: server.dataDir });
    const doc = await waitSettled(server.url, videoId, videoToken, 300_000);
    assert.equal(doc.status, 'ready', JSON.stringify(doc.error));
    assert.deepEqual(processesMentioning(`${server.dataDir}/media`), [], 'no ffmpeg is left running');
    const master = await fetch(doc.hls!);
    assert.equal(master.status, 200);
    assert.match(await master.text(), /#EXT-X-STREAM-INF/);
    const admin = await mint(server.url, { aud: 'admin' });
    const jobs = (await (await fetch(`${server.url}/api/admin/jobs?token=${admin}`)).json()) as { completed: number; running: number };
    assert.equal(jobs.completed, 1);
    assert.equal(jobs.running, 0);
  } finally {
    await server.stop();
  }
});

test('sluice import queues existing files; the server processes them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-import-'));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'import', join(FIXTURES, 'tiny-2s.mp4'), join(FIXTURES, 'no-audio.mp4')], { env: { ...process.env, SLUICE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  const ids = stdout.trim().split('\n');
  assert.equal(ids.length, 2);
  for (const id of ids) assert.match(id, /^[a-f0-9]{32}$/);
  await assert.rejects(run(process.execPath, ['--import', 'tsx', CLI, 'import', join(FIXTURES, 'does-not-exist.mp4')], { env: { ...process.env, SLUICE_DATA_DIR: dataDir } }), /not a readable file/);
  const server = await startSluice({ env, dataDir });
  try {
    const token = await mint(server.url, { aud: 'playback' });
    for (const id of ids) assert.equal((await waitSettled(server.url, id, token)).status, 'ready');
  } finally {
    await server.stop();
  }
});

test('sluice token prints one JWT the server accepts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-token-'));
  const server = await startSluice({ dataDir, env: { SLUICE_DEMO: 'off' } });
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'token', '--aud', 'admin', '--ttl', '5m'], { env: { ...process.env, SLUICE_DATA_DIR: dataDir } });
    const lines = stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal((await fetch(`${server.url}/api/admin/jobs`, { headers: { authorization: `Bearer ${lines[0]}` } })).status, 200);
    assert.equal((await fetch(`${server.url}/api/admin/jobs`)).status, 401);
  } finally {
    await server.stop();
  }
});
