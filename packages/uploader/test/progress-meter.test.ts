import { expect } from '@open-wc/testing';
import { ProgressMeter } from '../src/progress-meter.js';

const MB = 1024 * 1024;

/** Feeds `rate` bytes/s for `seconds`, in 200 ms steps; returns every reading. */
function feed(meter: ProgressMeter, state: { bytes: number; t: number }, rate: number, seconds: number, total: number) {
  const readings = [];
  for (let i = 0; i < seconds * 5; i += 1) {
    state.t += 200;
    state.bytes = Math.min(total, state.bytes + rate / 5);
    readings.push(meter.update(state.bytes, total, state.t));
  }
  return readings;
}

describe('ProgressMeter', () => {
  it('converges on a steady speed and counts the ETA down', () => {
    const meter = new ProgressMeter();
    const state = { bytes: 0, t: 0 };
    meter.restart(0, 0);
    const r = feed(meter, state, 10 * MB, 10, 1000 * MB);
    const last = r[r.length - 1];
    expect(last?.speed).to.be.closeTo(10 * MB, 0.01 * MB);
    expect(last?.eta).to.be.closeTo(90, 1);
    for (let i = 1; i < r.length; i += 1) expect(r[i]?.eta ?? 0).to.be.at.most(r[i - 1]?.eta ?? Infinity);
  });

  it('never jumps the ETA up when the speed collapses: it rises gradually', () => {
    const meter = new ProgressMeter();
    const state = { bytes: 0, t: 0 };
    meter.restart(0, 0);
    feed(meter, state, 10 * MB, 10, 1000 * MB);
    const before = meter.reading.eta ?? 0;
    const slow = feed(meter, state, 1 * MB, 10, 1000 * MB);
    let previous = before;
    for (const r of slow) {
      // The raw estimate goes from 90 s to ~900 s in one step; the shown ETA may not.
      expect((r.eta ?? 0) - previous).to.be.lessThan(previous * 0.25 + 5);
      previous = r.eta ?? 0;
    }
    expect(previous).to.be.greaterThan(before);
  });

  it('does not count a pause as slowness after restart()', () => {
    const meter = new ProgressMeter();
    const state = { bytes: 0, t: 0 };
    meter.restart(0, 0);
    feed(meter, state, 10 * MB, 5, 1000 * MB);
    state.t += 60_000; // paused for a minute
    meter.restart(state.bytes, state.t);
    const r = feed(meter, state, 10 * MB, 1, 1000 * MB);
    expect(r[r.length - 1]?.speed).to.be.closeTo(10 * MB, 0.01 * MB);
  });
});
