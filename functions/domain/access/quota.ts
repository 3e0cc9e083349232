/** Quota is counted per organisation per calendar month in UTC. */
export function quotaPeriod(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** A month's counter is kept a little over a year for billing questions, then expires. */
export function quotaPeriodExpiry(now: Date): number {
  return Math.floor(now.getTime() / 1000) + 400 * 24 * 3600;
}

export interface QuotaStatus {
  period: string;
  limit: number;
  used: number;
  remaining: number;
}

export function quotaStatus(period: string, limit: number, used: number): QuotaStatus {
  return { period, limit, used, remaining: Math.max(0, limit - used) };
}
