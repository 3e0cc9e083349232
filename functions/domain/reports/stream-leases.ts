/**
 * Open progress streams are counted per organisation as leases: connection id → expiry (epoch seconds). Each
 * open stream holds one HTTP function invocation, so the count bounds how much of the account's Lambda
 * concurrency one tenant can take. These are the pure rules; the lease item lives in
 * functions/stores/stream-lease-store.ts.
 */

/** Connection id → expiry, epoch seconds. */
export type StreamLeases = Record<string, number>;

/**
 * How long a lease outlives its stream's own time limit. It covers the poll in flight when the limit is
 * reached, the release write and clock differences between function instances. With the default 300 s SSE
 * limit a lease expires at 360 s, the HTTP function's own timeout, after which no invocation can still be
 * holding the stream: a lease left behind by a killed function stops counting by then at the latest.
 */
export const leaseMarginSeconds = 60;

/**
 * Retry-After is the wait until the soonest lease expires (by then a slot is free even if its function was
 * killed), but never more than this: most streams end well before their limit, when their report finishes,
 * so a waiting client should look again sooner than the worst case.
 */
export const maxRetryAfterSeconds = 30;

/**
 * At most this many expired leases are removed by one refused request. It keeps the conditional update's
 * expressions well under DynamoDB's 4 KB expression limit; leases only expire when functions die, so a few
 * at a time is plenty, and the next refusal removes the rest.
 */
export const maxLeasesPrunedAtOnce = 25;

export const epochSeconds = (nowMs: number): number => Math.floor(nowMs / 1000);

/** The expiry of a lease taken now for a stream that ends by itself after `streamTimeoutMs`. */
export function leaseExpiry(nowMs: number, streamTimeoutMs: number): number {
  return Math.ceil((nowMs + streamTimeoutMs) / 1000) + leaseMarginSeconds;
}

export const isExpired = (expiry: number, nowSeconds: number): boolean => expiry <= nowSeconds;

/** Leases whose stream can no longer be running, oldest first, at most maxLeasesPrunedAtOnce. */
export function expiredLeaseIds(leases: StreamLeases, nowSeconds: number): string[] {
  return Object.entries(leases)
    .filter(([, expiry]) => isExpired(expiry, nowSeconds))
    .sort(([, a], [, b]) => a - b)
    .slice(0, maxLeasesPrunedAtOnce)
    .map(([connectionId]) => connectionId);
}

/** Whole seconds for the Retry-After header of a refused stream: 1 to maxRetryAfterSeconds. */
export function retryAfterSeconds(leases: StreamLeases, nowSeconds: number): number {
  const live = Object.values(leases).filter((expiry) => !isExpired(expiry, nowSeconds));
  if (live.length === 0) return 1;
  return Math.min(maxRetryAfterSeconds, Math.max(1, Math.min(...live) - nowSeconds));
}
