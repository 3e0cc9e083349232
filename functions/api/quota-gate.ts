import { type QuotaStatus, quotaPeriod, quotaPeriodExpiry, quotaStatus } from '../domain/access/quota.ts';
import { rateWindow } from '../domain/access/rate-limit.ts';
import { environment } from '../runtime/environment.ts';
import type { Organisation } from '../stores/organisation-store.ts';
import { admitToQuotaAndRate, quotaUsed, refundQuota } from '../stores/quota-store.ts';
import { ApiError } from './api-error.ts';

export interface QuotaCharge {
  status: QuotaStatus;
  /** `x-quota-remaining` and the rate window's `x-ratelimit-*`, for the response. */
  headers: Record<string, string>;
  /** Returns the units when the paid-for work did not happen. Safe to call more than once. */
  refund(): Promise<void>;
}

export function monthlyLimit(organisation: Organisation): number {
  return organisation.monthlyQuota ?? environment().DEFAULT_MONTHLY_QUOTA;
}

export function requestsPerMinuteLimit(organisation: Organisation): number {
  return organisation.aiRequestsPerMinute ?? environment().DEFAULT_AI_REQUESTS_PER_MINUTE;
}

/**
 * Admits one AI request: counts it in the organisation's per-minute window and consumes AI quota in one
 * conditional update. An exhausted quota answers 402 (waiting does not help), a full window 429 with
 * `Retry-After`; a refused request is not charged.
 */
export async function admitAiRequest(organisation: Organisation, units = 1, now = new Date()): Promise<QuotaCharge> {
  const { organisationId } = organisation;
  const period = quotaPeriod(now);
  const limit = monthlyLimit(organisation);
  const requestsPerWindow = requestsPerMinuteLimit(organisation);
  const { window, retryAfterSeconds } = rateWindow(now);
  const admission = await admitToQuotaAndRate({
    organisationId,
    period,
    units,
    monthlyLimit: limit,
    expiresAt: quotaPeriodExpiry(now),
    window,
    requestsPerWindow,
  });
  if (!admission.admitted && admission.reason === 'quota_exceeded') {
    throw new ApiError(
      'quota_exceeded',
      `The organisation's AI quota for ${period} is used up (${limit} units). Ask an administrator to raise it.`,
    );
  }
  const rateHeaders = (windowRequests: number) => ({
    'x-ratelimit-limit': String(requestsPerWindow),
    'x-ratelimit-remaining': String(Math.max(0, requestsPerWindow - windowRequests)),
    'x-ratelimit-reset': String(retryAfterSeconds),
  });
  if (!admission.admitted) {
    throw new ApiError(
      'rate_limited',
      `The organisation has made its ${requestsPerWindow} AI requests for this minute. Retry after ${retryAfterSeconds} s.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds), ...rateHeaders(requestsPerWindow) },
    );
  }
  let refunded = false;
  const status = quotaStatus(period, limit, admission.used);
  return {
    status,
    headers: { 'x-quota-remaining': String(status.remaining), ...rateHeaders(admission.windowRequests) },
    refund: async () => {
      if (refunded) return;
      refunded = true;
      await refundQuota(organisationId, period, units);
    },
  };
}

export async function currentQuotaStatus(organisation: Organisation, now = new Date()): Promise<QuotaStatus> {
  const period = quotaPeriod(now);
  return quotaStatus(period, monthlyLimit(organisation), await quotaUsed(organisation.organisationId, period));
}
