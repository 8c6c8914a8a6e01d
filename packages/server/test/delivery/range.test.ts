import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from '../../src/delivery/range.js';
import { parseHttpDate } from '../../src/delivery/http-date.js';
import { evaluatePreconditions, ifRangeAllows } from '../../src/delivery/conditional.js';

// Behaviour against real nginx is checked in nginx-parity.test.ts; these pin the edges it cannot reach cheaply.

test('parseRange: ranges are [start, end] (inclusive) and kept in the order sent', () => {
  assert.deepEqual(parseRange('bytes=10-19,-5,0-0', 100), { kind: 'ranges', ranges: [{ start: 10, end: 19 }, { start: 95, end: 99 }, { start: 0, end: 0 }] });
});

test('parseRange: no header, short header or another unit → whole', () => {
  for (const h of [undefined, '', 'bytes=', 'byte=0-1', 'items=0-1', 'bytes 0-1']) assert.deepEqual(parseRange(h, 100), { kind: 'whole' }, String(h));
});

test('parseRange: max_ranges exceeded → whole (nginx max_ranges)', () => {
  assert.deepEqual(parseRange('bytes=0-1,3-4', 100, 1), { kind: 'whole' });
  assert.equal(parseRange('bytes=0-1', 100, 1).kind, 'ranges');
});

test('parseRange: numbers past 2^53 behave as "past the end", past off_t → unsatisfiable', () => {
  assert.deepEqual(parseRange('bytes=90-9007199254740993', 100), { kind: 'ranges', ranges: [{ start: 90, end: 99 }] });
  assert.deepEqual(parseRange('bytes=-9223372036854775807', 100), { kind: 'ranges', ranges: [{ start: 0, end: 99 }] });
  assert.deepEqual(parseRange('bytes=-9223372036854775808', 100), { kind: 'unsatisfiable' });
});

test('parseHttpDate: the three HTTP-date forms, nothing else', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), t);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), t);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), t);
  for (const bad of ['1994-11-06T08:49:37Z', 'Sun, 6 Nov 1994 08:49:37 GMT', 'Sun, 31 Feb 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT', 'yesterday']) {
    assert.equal(parseHttpDate(bad), undefined, bad);
  }
});

test('preconditions: If-Unmodified-Since unparsable → 412 (as nginx); If-Range only strong and exact', () => {
  const v = { etag: '"5-a"', lastModified: 1000 };
  assert.equal(evaluatePreconditions({ 'if-unmodified-since': 'garbage' }, v), 'failed');
  assert.equal(evaluatePreconditions({ 'if-unmodified-since': new Date(1000_000).toUTCString() }, v), 'proceed');
  assert.equal(evaluatePreconditions({ 'if-match': '"x", "5-a"' }, v), 'proceed');
  assert.equal(evaluatePreconditions({ 'if-match': 'W/"5-a"' }, v), 'failed');
  assert.equal(ifRangeAllows('"5-a"', v), true);
  assert.equal(ifRangeAllows('W/"5-a"', v), false);
  assert.equal(ifRangeAllows(new Date(1000_000).toUTCString(), v), true);
  assert.equal(ifRangeAllows(new Date(1001_000).toUTCString(), v), false);
});
