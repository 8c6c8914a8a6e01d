import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressParser, type ProgressReport } from '../../src/transcode/progress.js';

describe('ProgressParser', () => {
  it('reports each -progress block and tells report lines from log lines', () => {
    const reports: ProgressReport[] = [];
    const parser = new ProgressParser((r) => reports.push(r));
    const lines = [
      'frame=0', 'out_time_us=N/A', 'total_size=0', 'progress=continue',
      '[libx264 @ 0x55] using cpu capabilities: MMX2 SSE2Fast',
      'frame=61', 'fps=30.5', 'out_time_us=2033333', 'out_time_ms=2033333', 'total_size=48', 'progress=continue',
      'frame=300', 'out_time_us=10000000', 'total_size=9000', 'progress=end',
    ];
    const consumed = lines.map((l) => parser.line(l));
    assert.equal(consumed[4], false, 'a log line is not progress');
    assert.equal(consumed.filter(Boolean).length, lines.length - 1);
    assert.deepEqual(reports, [
      { outTime: 0, frame: 0, totalSize: 0, end: false },
      { outTime: 2.033333, frame: 61, totalSize: 48, end: false },
      { outTime: 10, frame: 300, totalSize: 9000, end: true },
    ]);
  });
});
