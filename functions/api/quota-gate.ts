import { type QuotaStatus, quotaPeriod, quotaPeriodExpiry, quotaStatus } from '../domain/access/quota.ts';
import { rateWindow } from '../domain/access/rate-limit.ts';
import { environment } from '../runtime/environment.ts';
import { consumeQuota, quotaUsed, refundQuota } from '../stores/quota-store.ts';
import { admitRequestInWindow } from '../stores/rate-limit-store.ts';
import { ApiError } from './api-error.ts';
import type { Caller } from './authenticate.ts';

export interface QuotaCharge {
  status: QuotaStatus;
  /** Returns the units when the paid-for work did not happen. Safe to call more than once. */
  refund(): Promise<void>;
}

export function monthlyLimit(caller: Caller): number {
  return caller.organisation.monthlyQuota ?? environment().DEFAULT_MONTHLY_QUOTA;
}

export function requestsPerMinuteLimit(caller: Caller): number {
  return caller.organisation.aiRequestsPerMinute ?? environment().DEFAULT_AI_REQUESTS_PER_MINUTE;
}

/**
 * Admits one AI request: counts it in the organisation's per-minute window and consumes AI quota, both
 * atomically and at the same time (two conditional updates on different items, so one round trip of latency).
 * An exhausted quota wins (402: waiting does not help); otherwise a full window answers 429 with `Retry-After`
 * and the quota just consumed is given back.
 */
export async function admitAiRequest(caller: Caller, units = 1, now = new Date()): Promise<QuotaCharge> {
  const { organisationId } = caller.organisation;
  const period = quotaPeriod(now);
  const limit = monthlyLimit(caller);
  const window = rateWindow(now);
  const [used, withinRate] = await Promise.all([
    consumeQuota({ organisationId, period, units, limit, expiresAt: quotaPeriodExpiry(now) }),
    admitRequestInWindow({
      organisationId,
      window: window.window,
      limit: requestsPerMinuteLimit(caller),
      expiresAt: window.expiresAt,
    }),
  ]);
  if (used === undefined) {
    throw new ApiError(
      'quota_exceeded',
      `The organisation's AI quota for ${period} is used up (${limit} units). Ask an administrator to raise it.`,
    );
  }
  let refunded = false;
  const charge: QuotaCharge = {
    status: quotaStatus(period, limit, used),
    refund: async () => {
      if (refunded) return;
      refunded = true;
      await refundQuota(organisationId, period, units);
    },
  };
  if (!withinRate) {
    await charge.refund();
    throw new ApiError(
      'rate_limited',
      `The organisation has made ${requestsPerMinuteLimit(caller)} AI requests this minute. Retry after ${window.retryAfterSeconds} s.`,
      undefined,
      { 'retry-after': String(window.retryAfterSeconds) },
    );
  }
  return charge;
}

export async function currentQuotaStatus(caller: Caller, now = new Date()): Promise<QuotaStatus> {
  const period = quotaPeriod(now);
  return quotaStatus(period, monthlyLimit(caller), await quotaUsed(caller.organisation.organisationId, period));
}

export const quotaHeaders = (status: QuotaStatus): Record<string, string> => ({
  'x-quota-remaining': String(status.remaining),
});
