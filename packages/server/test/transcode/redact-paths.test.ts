import assert from 'node:assert/strict';
import { rmSync, unlinkSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSluiceError } from '../../src/errors.js';
import { processVideo } from '../../src/transcode/pipeline.js';
import { redactPaths } from '../../src/transcode/redact-paths.js';
import { FFMPEG, FFPROBE, fixture, tempDir } from './helpers.js';

const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));

describe('server paths in job errors', () => {
  it('are cut to the file name', () => {
    const roots = ['/srv/data', '/srv/data/media/abc', undefined];
    assert.equal(redactPaths("Opening '/srv/data/media/abc/.work/720p.m3u8' failed", roots), "Opening '720p.m3u8' failed");
    assert.equal(redactPaths("ENOENT: rename '/srv/data/media/abc/.poster.jpg.tmp' -> '/srv/data/media/abc/poster.jpg'", roots), "ENOENT: rename '.poster.jpg.tmp' -> 'poster.jpg'");
    assert.equal(redactPaths('file:/srv/data/uploads/abc: No such file or directory', roots), 'abc: No such file or directory');
    assert.equal(redactPaths('in /srv/data', roots), 'in <server path>');
    assert.equal(redactPaths('/srv/database/x and POST /api/videos/abc/reprocess', roots), '/srv/database/x and POST /api/videos/abc/reprocess', 'only under a root');
  });

  it('never reach a pipeline error: an input gone after probing fails without naming its folder', async () => {
    const input = join(work, 'upload-original');
    copyFileSync(fixture('tiny-2s.mp4'), input);
    const outDir = join(work, 'out');
    await assert.rejects(processVideo({
      input, outDir, segmentSeconds: 2, encoder: 'libx264', ffmpegPath: FFMPEG, ffprobePath: FFPROBE, stallSeconds: 60,
      // The file disappears between the probe and the encode: ffmpeg then quotes its path.
      onProbe: () => unlinkSync(input),
    }), (err: unknown) => {
      assert.ok(isSluiceError(err), String(err));
      assert.equal(err.code, 'SLUICE_ERR_MEDIA_TRANSCODE_FAILED');
      assert.match(err.message, /upload-original: No such file or directory/, 'ffmpeg said which file');
      assert.ok(!err.message.includes(work), `no server path: ${err.message}`);
      return true;
    });
  });
});
