import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planLadder, type Rendition } from '../../src/transcode/ladder.js';
import type { ProbeResult } from '../../src/transcode/probe.js';

const src = (width: number, height: number, extra: Partial<ProbeResult> = {}): ProbeResult => ({
  duration: 10, format: 'mov', width, height, codedWidth: width, codedHeight: height, rotation: 0, hasAudio: true, videoCodec: 'h264', frameRate: 30, videoStreamIndex: 0, subtitles: [], ...extra,
});
const sizes = (l: Rendition[]): string[] => l.map((r) => `${r.name}=${r.width}x${r.height}`);

function assertSane(l: Rendition[], s: ProbeResult): void {
  assert.ok(l.length >= 1);
  for (const r of l) {
    assert.equal(r.width % 2, 0, `${r.name} width even`);
    assert.equal(r.height % 2, 0, `${r.name} height even`);
    assert.ok(r.width <= s.width && r.height <= s.height, `${r.name} not above the source`);
    assert.ok(Math.abs(r.width / r.height - s.width / s.height) < 0.02, `${r.name} keeps the aspect`);
    assert.ok(r.bandwidth > r.videoBitrate + r.audioBitrate, 'bandwidth includes audio and overhead');
  }
  for (let i = 1; i < l.length; i += 1) {
    assert.ok((l[i] as Rendition).videoBitrate < (l[i - 1] as Rendition).videoBitrate, 'bitrates fall with size');
  }
}

describe('planLadder', () => {
  it('1080p source → four rungs, 16:9, biggest first', () => {
    const s = src(1920, 1080);
    const l = planLadder(s);
    assert.deepEqual(sizes(l), ['1080p=1920x1080', '720p=1280x720', '480p=854x480', '360p=640x360']);
    assertSane(l, s);
  });

  it('names portrait rungs by the short side', () => {
    const s = src(720, 1280);
    const l = planLadder(s);
    assert.deepEqual(sizes(l), ['720p=720x1280', '480p=480x854', '360p=360x640']);
    assertSane(l, s);
  });

  it('rounds odd sizes to even and never goes above the source (853x479)', () => {
    const s = src(853, 479);
    const l = planLadder(s);
    assert.deepEqual(sizes(l), ['480p=852x478', '360p=642x360']);
    assertSane(l, s);
  });

  it('gives a tiny source one rung at its own size', () => {
    const s = src(320, 240);
    const l = planLadder(s);
    assert.deepEqual(sizes(l), ['240p=320x240']);
    assertSane(l, s);
    assert.deepEqual(sizes(planLadder(src(175, 99))), ['98p=174x98']);
  });

  it('does not upscale a source between rungs', () => {
    const s = src(1000, 600);
    const l = planLadder(s);
    assert.deepEqual(sizes(l), ['480p=800x480', '360p=600x360']);
    assertSane(l, s);
  });

  it('drops audio bitrate without audio and raises video bitrate for high frame rates', () => {
    const [silent] = planLadder(src(1280, 720, { hasAudio: false }));
    assert.equal(silent?.audioBitrate, 0);
    const [at30] = planLadder(src(1280, 720));
    const [at60] = planLadder(src(1280, 720, { frameRate: 60 }));
    assert.ok((at60?.videoBitrate ?? 0) > (at30?.videoBitrate ?? 0));
  });
});
