import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSluiceError, type ErrorCode } from '../../src/errors.js';
import { probe } from '../../src/transcode/probe.js';
import { FFMPEG, FFPROBE, fixture, tempDir } from './helpers.js';

const opts = { ffprobePath: FFPROBE };
const work = tempDir();
after(() => rmSync(work, { recursive: true, force: true }));
const ffmpeg = (...args: string[]): void => { execFileSync(FFMPEG, ['-v', 'error', ...args]); };

describe('probe', () => {
  it('reads the display size, rotation, audio, codec and frame rate of good clips', async () => {
    const cases: Array<[string, Partial<Awaited<ReturnType<typeof probe>>>]> = [
      ['clip-720p-10s.mp4', { width: 1280, height: 720, rotation: 0, hasAudio: true, videoCodec: 'h264', frameRate: 30 }],
      ['clip-1080p-30s.mp4', { width: 1920, height: 1080, rotation: 0, hasAudio: true }],
      ['tiny-2s.mp4', { width: 320, height: 240, hasAudio: true }],
      ['no-audio.mp4', { width: 640, height: 360, hasAudio: false }],
      // Coded 1280x720 with rotate=90: displayed portrait.
      ['portrait-rotated.mp4', { width: 720, height: 1280, rotation: 90, hasAudio: true }],
      // Coded 853x479 with a sample aspect ratio of 27344:27369 (scale kept 854x480's shape): 852.2 wide on screen.
      ['odd-853x479.mp4', { width: 852, height: 479, rotation: 0, hasAudio: true, frameRate: 25 }],
    ];
    for (const [name, want] of cases) {
      const p = await probe(fixture(name), opts);
      assert.deepEqual({ ...p, ...want }, p, `${name}: ${JSON.stringify(p)}`);
    }
    const p = await probe(fixture('clip-720p-10s.mp4'), opts);
    assert.ok(Math.abs(p.duration - 10) < 0.1, `duration ${p.duration}`);
  });

  const failures: Array<[string, ErrorCode, RegExp]> = [
    ['empty.mp4', 'SLUICE_ERR_MEDIA_EMPTY', /empty/],
    ['text.mp4', 'SLUICE_ERR_MEDIA_UNREADABLE', /Invalid data found/],
    ['truncated.mp4', 'SLUICE_ERR_MEDIA_UNREADABLE', /moov atom not found/],
    ['audio-only.m4a', 'SLUICE_ERR_MEDIA_NO_VIDEO', /audio only/],
    ['does-not-exist.mp4', 'SLUICE_ERR_MEDIA_UNREADABLE', /cannot be opened/],
  ];
  for (const [name, code, message] of failures) {
    it(`${name} → ${code}, saying what was found`, async () => {
      await assert.rejects(probe(fixture(name), opts), (err: unknown) => {
        assert.ok(isSluiceError(err), String(err));
        assert.equal(err.code, code);
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /fixtures/, 'no server path in the message');
        return true;
      });
    });
  }

  it('audio with only a cover image → NO_VIDEO "only a cover image"', async () => {
    const cover = join(work, 'cover.jpg');
    ffmpeg('-f', 'lavfi', '-i', 'color=red:s=64x64', '-frames:v', '1', '-update', '1', '-y', cover);
    const withCover = join(work, 'with-cover.m4a');
    ffmpeg('-i', fixture('audio-only.m4a'), '-i', cover, '-map', '0', '-map', '1', '-c', 'copy', '-disposition:v', 'attached_pic', '-y', withCover);
    await assert.rejects(probe(withCover, opts), (err: unknown) => isSluiceError(err) && err.code === 'SLUICE_ERR_MEDIA_NO_VIDEO' && /cover image/.test(err.message));
    // A lone picture is not a video either.
    await assert.rejects(probe(cover, opts), (err: unknown) => isSluiceError(err) && err.code === 'SLUICE_ERR_MEDIA_NO_VIDEO' && /still picture/.test(err.message));
  });
});
