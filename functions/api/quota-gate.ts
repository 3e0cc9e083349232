import { type QuotaStatus, quotaPeriod, quotaPeriodExpiry, quotaStatus } from '../domain/access/quota.ts';
import { environment } from '../runtime/environment.ts';
import { consumeQuota, quotaUsed, refundQuota } from '../stores/quota-store.ts';
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

/** Consumes AI quota atomically or fails with 402 `quota_exceeded`. */
export async function chargeQuota(caller: Caller, units = 1, now = new Date()): Promise<QuotaCharge> {
  const { organisationId } = caller.organisation;
  const period = quotaPeriod(now);
  const limit = monthlyLimit(caller);
  const used = await consumeQuota({ organisationId, period, units, limit, expiresAt: quotaPeriodExpiry(now) });
  if (used === undefined) {
    throw new ApiError(
      'quota_exceeded',
      `The organisation's AI quota for ${period} is used up (${limit} units). Ask an administrator to raise it.`,
    );
  }
  let refunded = false;
  return {
    status: quotaStatus(period, limit, used),
    refund: async () => {
      if (refunded) return;
      refunded = true;
      await refundQuota(organisationId, period, units);
    },
  };
}

export async function currentQuotaStatus(caller: Caller, now = new Date()): Promise<QuotaStatus> {
  const period = quotaPeriod(now);
  return quotaStatus(period, monthlyLimit(caller), await quotaUsed(caller.organisation.organisationId, period));
}

export const quotaHeaders = (status: QuotaStatus): Record<string, string> => ({
  'x-quota-remaining': String(status.remaining),
});
