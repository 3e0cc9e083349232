/**
 * AI requests are limited per organisation in fixed one-minute windows (UTC). A fixed window is a start and a
 * count, kept on the quota counter item and updated by the same write that charges the quota; its known weakness
 * (up to twice the limit across a window boundary) is acceptable for a guard whose job is to keep one tenant from
 * taking the account's whole Bedrock throughput.
 */
const windowMs = 60_000;

export interface RateWindow {
  /** `YYYY-MM-DDTHH:MM`, the window's start. */
  window: string;
  /** Whole seconds until the next window opens (the `Retry-After` value), at least 1. */
  retryAfterSeconds: number;
}

export function rateWindow(now: Date): RateWindow {
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  const endMs = startMs + windowMs;
  return {
    window: new Date(startMs).toISOString().slice(0, 16),
    retryAfterSeconds: Math.max(1, Math.ceil((endMs - now.getTime()) / 1000)),
  };
}
