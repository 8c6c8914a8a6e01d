// `sluice captions add|list|remove` as a real process against the data dir
// of a running server: the server's next master playlist and status
// document show the change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { getStatus, waitSettled } from '../support/api.js';
import { checkMasterPlaylist } from './support/hls-checks.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(() => t.close());

const sluice = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, 'captions', ...args], {
  env: { ...process.env, SLUICE_DATA_DIR: t.config.dataDir, SLUICE_SEGMENT_SECONDS: '2', SLUICE_DATABASE_URL: '', SLUICE_STORAGE: 'local' },
});

test('add (a UTF-16 SRT file), list and remove through the CLI; the running server\'s master follows', async () => {
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  const doc = await waitSettled(t.url, r.videoId, r.videoToken);
  assert.equal(doc.status, 'ready');
  const file = join(t.config.dataDir, 'subs.srt');
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1\n00:00:00,200 --> 00:00:01,000\nÇa va ✓\n', 'utf16le')]));

  const added = await sluice('add', r.videoId, file, '--lang', 'fr', '--label', 'Français', '--kind', 'captions', '--default');
  const id = added.stdout.trim();
  assert.match(id, /^[a-f0-9]{16}$/);
  const master = await (await fetch(doc.hls!)).text();
  assert.deepEqual(checkMasterPlaylist(master).map((m) => [m.NAME, m.LANGUAGE, m.DEFAULT]), [['Français', 'fr', 'YES']]);
  const status = await getStatus(t.url, r.videoId, r.videoToken);
  assert.equal(await (await fetch(status.captions[0]!.url)).text(), 'WEBVTT\n\n00:00:00.200 --> 00:00:01.000\nÇa va ✓\n');

  assert.equal((await sluice('list', r.videoId)).stdout, `${id}\tfr\tcaptions\tdefault\tupload\tFrançais\n`);
  await sluice('rm', r.videoId, id);
  assert.equal((await sluice('list', r.videoId)).stdout, '');
  assert.doesNotMatch(await (await fetch(doc.hls!)).text(), /SUBTITLES/);
});

test('a refused file exits 1 with its code, and stores nothing', async () => {
  const r = await tusUpload(`${t.url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), t.token({ aud: 'upload' }));
  const file = join(t.config.dataDir, 'bad.vtt');
  writeFileSync(file, Buffer.from([0x57, 0x45, 0x42, 0x56, 0x54, 0x54, 0x0a, 0xff, 0xfe, 0x00]));
  await assert.rejects(sluice('add', r.videoId, file, '--lang', 'en'), (err: { code?: number; stderr?: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr ?? '', /SLUICE_ERR_CAPTIONS_ENCODING/);
    return true;
  });
  await assert.rejects(sluice('add', r.videoId, file), /needs --lang/);
  assert.deepEqual(await t.app.sluice.store.captions.list(r.videoId), []);
});
