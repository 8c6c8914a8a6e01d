import { expect } from '@open-wc/testing';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay, isRetriableStatus } from '../src/retry-policy.js';

describe('retry policy', () => {
  it('doubles the delay per attempt, with half of it random, up to a ceiling', () => {
    expect(backoffDelay(0, () => 0)).to.equal(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(0, () => 1)).to.equal(BACKOFF_BASE_MS);
    expect(backoffDelay(3, () => 0)).to.equal(BACKOFF_BASE_MS * 4);
    expect(backoffDelay(3, () => 1)).to.equal(BACKOFF_BASE_MS * 8);
    expect(backoffDelay(50, () => 1)).to.equal(BACKOFF_MAX_MS);
    expect(backoffDelay(50, () => 0)).to.equal(BACKOFF_MAX_MS / 2);
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(4)));
    expect(spread.size, 'jitter spreads clients apart').to.be.greaterThan(1);
  });

  it('retries transient statuses only', () => {
    for (const s of [0, 408, 409, 423, 429, 500, 502, 503]) expect(isRetriableStatus(s), String(s)).to.equal(true);
    for (const s of [400, 401, 403, 404, 410, 413, 415]) expect(isRetriableStatus(s), String(s)).to.equal(false);
  });
});
