/**
 * The single-item admission of AI requests (quota + rate window) against DynamoDB Local, with the clock as
 * a parameter: window roll-over, a function whose clock runs ahead, and which refusal wins.
 */
import { describe, expect, test } from '@jest/globals';
import { admitToQuotaAndRate, quotaUsed } from '../../functions/stores/quota-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { createTenant } from '../support/tenants.ts';

useLocalStack();

const admission = (organisationId: string, window: string, limits: { monthly?: number; perWindow?: number } = {}) =>
  admitToQuotaAndRate({
    organisationId,
    period: '2026-11',
    units: 1,
    monthlyLimit: limits.monthly ?? 100,
    expiresAt: 2_000_000_000,
    window,
    requestsPerWindow: limits.perWindow ?? 2,
  });

describe('AI admission: quota and rate window in one item', () => {
  test('a full window refuses until the next window starts; refusals are not charged', async () => {
    const { organisationId } = await createTenant();
    expect(await admission(organisationId, '2026-11-27T08:15')).toEqual({ admitted: true, used: 1, windowRequests: 1 });
    expect(await admission(organisationId, '2026-11-27T08:15')).toEqual({ admitted: true, used: 2, windowRequests: 2 });
    expect(await admission(organisationId, '2026-11-27T08:15')).toEqual({ admitted: false, reason: 'rate_limited' });
    expect(await admission(organisationId, '2026-11-27T08:16')).toEqual({ admitted: true, used: 3, windowRequests: 1 });
    expect(await admission(organisationId, '2026-11-27T08:16')).toEqual({ admitted: true, used: 4, windowRequests: 2 });
    expect(await admission(organisationId, '2026-11-27T08:16')).toEqual({ admitted: false, reason: 'rate_limited' });
    expect(await quotaUsed(organisationId, '2026-11')).toBe(4);
  });

  test('a function whose clock is behind counts in the window another one already started', async () => {
    const { organisationId } = await createTenant();
    expect(await admission(organisationId, '2026-11-27T08:16')).toMatchObject({ admitted: true });
    expect(await admission(organisationId, '2026-11-27T08:15')).toMatchObject({ admitted: true, used: 2 });
    expect(await admission(organisationId, '2026-11-27T08:15')).toEqual({ admitted: false, reason: 'rate_limited' });
  });

  test('an exhausted quota is reported before a full window', async () => {
    const { organisationId } = await createTenant();
    const limits = { monthly: 1, perWindow: 1 };
    expect(await admission(organisationId, '2026-11-27T08:15', limits)).toMatchObject({ admitted: true });
    expect(await admission(organisationId, '2026-11-27T08:15', limits)).toEqual({
      admitted: false,
      reason: 'quota_exceeded',
    });
    expect(await admission(organisationId, '2026-11-27T08:16', limits)).toEqual({
      admitted: false,
      reason: 'quota_exceeded',
    });
  });

  test('30 concurrent requests racing to start a window admit exactly the window’s 7', async () => {
    const { organisationId } = await createTenant();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => admission(organisationId, '2026-11-27T09:00', { perWindow: 7 })),
    );
    expect(results.filter((result) => result.admitted)).toHaveLength(7);
    expect(results.filter((result) => !result.admitted && result.reason === 'rate_limited')).toHaveLength(23);
    expect(await quotaUsed(organisationId, '2026-11')).toBe(7);
  });
});
