/**
 * AI requests are limited per organisation in fixed one-minute windows (UTC). A fixed window needs one
 * conditional counter write per request, the same price as the quota charge; its known weakness (up to twice
 * the limit across a window boundary) is acceptable for a guard whose job is to keep one tenant from taking
 * the account's whole Bedrock throughput.
 */
const windowMs = 60_000;

export interface RateWindow {
  /** `YYYY-MM-DDTHH:MM`, the window's start. */
  window: string;
  /** Whole seconds until the next window opens (the `Retry-After` value), at least 1. */
  retryAfterSeconds: number;
  /** Epoch seconds when the window's counter may be deleted (TTL): an hour after it closed. */
  expiresAt: number;
}

export function rateWindow(now: Date): RateWindow {
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  const endMs = startMs + windowMs;
  return {
    window: new Date(startMs).toISOString().slice(0, 16),
    retryAfterSeconds: Math.max(1, Math.ceil((endMs - now.getTime()) / 1000)),
    expiresAt: Math.floor(endMs / 1000) + 3600,
  };
}
