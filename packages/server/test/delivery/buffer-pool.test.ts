import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool, MAX_POOLED } from '../../src/delivery/buffer-pool.js';

test('buffers come back for reuse, sized by class', () => {
  const pool = new BufferPool(60_000);
  const a = pool.take(60_000);
  assert.equal(a.length, 64 * 1024);
  pool.give(a);
  assert.equal(pool.take(1000).length, 16 * 1024, 'a smaller class for a smaller body');
  assert.equal(pool.take(65_536), a, 'the same buffer is reused');
  assert.equal(pool.take(MAX_POOLED).length, MAX_POOLED);
  pool.close();
});

test('trim drops only buffers that stayed idle for a whole interval', () => {
  const pool = new BufferPool(60_000);
  const burst = Array.from({ length: 10 }, () => pool.take(MAX_POOLED));
  burst.forEach((b) => pool.give(b));
  assert.equal(pool.idle()[3], 10);
  pool.trim(); // low-water mark was 0 during the burst: keep everything
  assert.equal(pool.idle()[3], 10);
  pool.give(pool.take(MAX_POOLED)); // one in use at a time during this interval
  pool.trim();
  assert.equal(pool.idle()[3], 1, 'the 9 never needed are dropped');
  pool.close();
});
