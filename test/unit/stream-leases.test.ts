import { describe, expect, test } from '@jest/globals';
import {
  expiredLeaseIds,
  leaseExpiry,
  leaseMarginSeconds,
  maxLeasesPrunedAtOnce,
  maxRetryAfterSeconds,
  retryAfterSeconds,
} from '../../functions/domain/reports/stream-leases.ts';

describe('stream lease expiry', () => {
  test('the stream limit, rounded up to a whole second, plus the margin', () => {
    expect(leaseExpiry(1_000_000, 300_000)).toBe(1_300 + leaseMarginSeconds);
    expect(leaseExpiry(1_000_001, 300_000)).toBe(1_301 + leaseMarginSeconds);
  });

  test('a lease is expired from its expiry second on, oldest first', () => {
    expect(expiredLeaseIds({ live: 101, due: 100, old: 50 }, 100)).toEqual(['old', 'due']);
    expect(expiredLeaseIds({ live: 101 }, 100)).toEqual([]);
  });

  test('a refused request removes a bounded number of expired leases at once', () => {
    const leases = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`dead${i}`, i]));
    const pruned = expiredLeaseIds(leases, 1_000);
    expect(pruned).toHaveLength(maxLeasesPrunedAtOnce);
    expect(pruned[0]).toBe('dead0');
  });
});

describe('Retry-After of a refused stream', () => {
  test('the wait until the soonest live lease expires', () => {
    expect(retryAfterSeconds({ a: 112, b: 150, dead: 90 }, 100)).toBe(12);
  });

  test('never more than the cap, never less than a second', () => {
    expect(retryAfterSeconds({ a: 100 + 10 * maxRetryAfterSeconds }, 100)).toBe(maxRetryAfterSeconds);
    expect(retryAfterSeconds({ a: 100 }, 100)).toBe(1);
    expect(retryAfterSeconds({}, 100)).toBe(1);
  });
});
