import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSluiceError } from '../../src/errors.js';
import { runFfmpeg } from '../../src/transcode/ffmpeg-run.js';
import { runHlsJob } from '../../src/transcode/hls-job.js';
import { planLadder } from '../../src/transcode/ladder.js';
import { probe } from '../../src/transcode/probe.js';
import { FFMPEG, FFPROBE, alive, fixture, tempDir } from './helpers.js';

const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));

describe('ffmpeg watchdog and failures', () => {
  it('kills an ffmpeg whose input stops flowing (a FIFO fed 70 % of a clip) → STALLED, process gone', async () => {
    // MPEG-TS reads front to back, so ffmpeg really encodes the first part and then blocks on read().
    const ts = join(work, 'clip.ts');
    execFileSync(FFMPEG, ['-v', 'error', '-i', fixture('clip-720p-10s.mp4'), '-c', 'copy', '-f', 'mpegts', '-y', ts]);
    const fifo = join(work, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    const p = await probe(ts, { ffprobePath: FFPROBE });
    const bytes = readFileSync(ts);

    let pid = 0;
    let reached = 0;
    const job = runHlsJob({
      input: fifo, hlsDir: join(work, 'out', 'hls'), workDir: join(work, 'out', '.work'),
      probe: p, renditions: planLadder(p), segmentSeconds: 2, encoder: 'libx264',
      ffmpegPath: FFMPEG, stallSeconds: 2,
      onSpawn: (x) => { pid = x; },
      onTime: (t) => { reached = Math.max(reached, t); },
    });
    // Opening a FIFO for writing waits until ffmpeg opens it for reading.
    const writer = await open(fifo, 'w');
    await writer.write(bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    try {
      await assert.rejects(job, (err: unknown) => {
        assert.ok(isSluiceError(err), String(err));
        assert.equal(err.code, 'SLUICE_ERR_MEDIA_TRANSCODE_STALLED');
        assert.match(err.message, /no progress for 2 s/);
        return true;
      });
    } finally {
      await writer.close();
    }
    assert.ok(reached > 1, `ffmpeg encoded ${reached} s before the input stopped`);
    assert.ok(reached < p.duration - 1, 'and did not finish');
    assert.ok(pid > 0);
    assert.equal(alive(pid), false, 'the stalled ffmpeg was killed');
  });

  it('a genuine ffmpeg failure → TRANSCODE_FAILED with the last stderr lines', async () => {
    await assert.rejects(runFfmpeg({
      ffmpegPath: FFMPEG, label: 'a test output', input: join(work, 'missing.mp4'),
      outputOptions: ['-f', 'null'], output: '-', stallSeconds: 30,
    }), (err: unknown) => {
      assert.ok(isSluiceError(err));
      assert.equal(err.code, 'SLUICE_ERR_MEDIA_TRANSCODE_FAILED');
      assert.match(err.message, /while writing a test output: .*No such file or directory/);
      return true;
    });
  });

  it('an ffmpeg binary that does not exist → TRANSCODE_FAILED', async () => {
    await assert.rejects(runFfmpeg({
      ffmpegPath: join(work, 'no-ffmpeg'), label: 'x', input: fixture('tiny-2s.mp4'),
      outputOptions: ['-f', 'null'], output: '-', stallSeconds: 30,
    }), (err: unknown) => isSluiceError(err) && err.code === 'SLUICE_ERR_MEDIA_TRANSCODE_FAILED');
  });
});
