import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, parseDuration, parseSize } from '../src/units.js';

test('sizes: decimal units are powers of ten, binary units say so', () => {
  assert.equal(parseSize('20GB'), 20e9);
  assert.equal(parseSize('20GiB'), 20 * 2 ** 30);
  assert.equal(parseSize('8MB'), 8e6);
  assert.equal(parseSize('8 mib'), 8 * 2 ** 20);
  assert.equal(parseSize('512kb'), 512e3);
  assert.equal(parseSize('2TB'), 2e12);
  assert.equal(parseSize('1.5 GB'), 1.5e9);
  assert.equal(parseSize('1.5G'), 1.5e9);
  assert.equal(parseSize('8Mi'), 8 * 2 ** 20);
  assert.equal(parseSize('1000'), 1000);
  assert.equal(parseSize('12b'), 12);
  assert.equal(parseSize('0.5KB'), 500);
});

test('sizes: anything else is not a size', () => {
  for (const text of ['', ' ', 'lots', '-1MB', '20XB', '20 G B', 'ib', '20ib', 'GB', '1e9', '20GBs']) {
    assert.equal(parseSize(text), undefined, JSON.stringify(text));
  }
});

test('durations: 90s, 15m, 6h, 2d, 250ms and bare seconds', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('6h'), 21600);
  assert.equal(parseDuration('2d'), 172800);
  assert.equal(parseDuration('250ms'), 0.25);
  assert.equal(parseDuration(' 12 '), 12);
  assert.equal(parseDuration('1.5H'), 5400);
  for (const text of ['', 'soon', '-5s', '5w', '5 minutes']) assert.equal(parseDuration(text), undefined, text);
});

test('formatSize writes what parseSize reads back', () => {
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1500), '1.5 KB');
  assert.equal(formatSize(25e6), '25 MB');
  assert.equal(formatSize(20e9), '20 GB');
  assert.equal(parseSize(formatSize(20e9).replace(' ', '')), 20e9);
});
