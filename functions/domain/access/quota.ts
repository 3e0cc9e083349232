import * as z from 'zod';

/** Quota is counted per organisation per calendar month in UTC. */
export function quotaPeriod(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** A month's counter is kept a little over a year for billing questions, then expires. */
export function quotaPeriodExpiry(now: Date): number {
  return Math.floor(now.getTime() / 1000) + 400 * 24 * 3600;
}

/** This month's AI quota of an organisation, in units. */
export const quotaStatusSchema = z.object({
  period: z.string().describe('The calendar month (UTC), e.g. `2026-12`'),
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
});

export type QuotaStatus = z.output<typeof quotaStatusSchema>;

export function quotaStatus(period: string, limit: number, used: number): QuotaStatus {
  return { period, limit, used, remaining: Math.max(0, limit - used) };
}
