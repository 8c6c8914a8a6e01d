import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSluiceError, type ErrorCode } from '../../src/errors.js';
import type { ProbeResult } from '../../src/transcode/probe.js';
import { checkWorkLimits, formatSeconds, limitsFor } from '../../src/transcode/work-limits.js';

const probed = (extra: Partial<ProbeResult>): ProbeResult => ({
  duration: 10, format: 'mov', width: 1920, height: 1080, codedWidth: 1920, codedHeight: 1080,
  rotation: 0, hasAudio: true, videoCodec: 'h264', frameRate: 30, videoStreamIndex: 0, subtitles: [], ...extra,
});
const server = { maxDurationSeconds: 12 * 3600, maxPixelRate: 3840 * 2160 * 60 };

function refused(p: ProbeResult, limits = limitsFor(server, null)): { code: ErrorCode; message: string } {
  try {
    checkWorkLimits(p, limits);
  } catch (err) {
    assert.ok(isSluiceError(err), String(err));
    return err.toJSON();
  }
  assert.fail('accepted');
}

describe('work limits', () => {
  it('accept what the defaults allow: 12 h, 4K at 60 fps', () => {
    checkWorkLimits(probed({ duration: 12 * 3600 }), limitsFor(server, null));
    checkWorkLimits(probed({ codedWidth: 3840, codedHeight: 2160, frameRate: 60 }), limitsFor(server, null));
    checkWorkLimits(probed({ codedWidth: 8192, codedHeight: 64, frameRate: 30 }), limitsFor(server, null));
  });

  it('refuse a longer video, saying the limit, the value found and where the limit comes from', () => {
    const e = refused(probed({ duration: 12 * 3600 + 1 }));
    assert.equal(e.code, 'SLUICE_ERR_MEDIA_TOO_LONG');
    assert.equal(e.message, 'The video is 12h 1s (43201 s) long; at most 12h (43200 s) is accepted (SLUICE_MAX_DURATION).');
  });

  it("take the token's maxDuration claim only when it is stricter", () => {
    assert.equal(limitsFor(server, 600).maxDuration, 600);
    assert.equal(limitsFor(server, 600).durationSource, "the upload token's maxDuration");
    assert.equal(limitsFor(server, 100 * 3600).maxDuration, 12 * 3600);
    assert.equal(limitsFor(server, null).maxDuration, 12 * 3600);
    assert.match(refused(probed({ duration: 601 }), limitsFor(server, 600)).message, /at most 10m \(600 s\) is accepted \(the upload token's maxDuration\)/);
  });

  it('refuse a coded picture above 8192 a side, or a pixel rate above the ceiling', () => {
    const side = refused(probed({ codedWidth: 8194, codedHeight: 16, width: 8194, height: 16, frameRate: 1 }));
    assert.equal(side.code, 'SLUICE_ERR_MEDIA_TOO_LARGE');
    assert.match(side.message, /8194×16; at most 8192/);
    // A sample aspect ratio can make the displayed picture small; decoding still costs the coded size.
    assert.equal(refused(probed({ codedWidth: 8200, codedHeight: 100, width: 82, height: 100 })).code, 'SLUICE_ERR_MEDIA_TOO_LARGE');
    const rate = refused(probed({ codedWidth: 3840, codedHeight: 2160, frameRate: 120 }));
    assert.equal(rate.code, 'SLUICE_ERR_MEDIA_TOO_LARGE');
    assert.match(rate.message, /3840×2160 at 120 fps, 995328000 pixels per second; at most 497664000 is accepted \(SLUICE_MAX_PIXEL_RATE\)/);
  });

  it('format durations for people', () => {
    assert.equal(formatSeconds(59.5), '59.5 s');
    assert.equal(formatSeconds(60), '1m (60 s)');
    assert.equal(formatSeconds(4000), '1h 6m 40s (4000 s)');
  });
});
