import { randomUUID } from 'node:crypto';
import { epochSeconds, expiredLeaseIds, leaseExpiry, retryAfterSeconds } from '../domain/reports/stream-leases.ts';
import { environment } from '../runtime/environment.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { addStreamLease, removeExpiredStreamLeases, removeStreamLease } from '../stores/stream-lease-store.ts';
import { ApiError } from './api-error.ts';

export interface StreamLease {
  /**
   * Frees the stream's slot. Idempotent, since the lease's removal is conditional (the event stream calls it once
   * however it ends); never rejects: a failed release expires instead.
   */
  release(): Promise<void>;
}

/**
 * Admits one progress stream of the organisation, or refuses it with 429 `too_many_streams` once it has
 * SSE_MAX_CONNECTIONS_PER_ORGANISATION open. Admission is one conditional update. Only a refused request
 * looks for leases left behind by killed functions (expired ones), removes them and tries once more.
 */
export async function admitProgressStream(organisationId: string): Promise<StreamLease> {
  const settings = environment();
  const maxLeases = settings.SSE_MAX_CONNECTIONS_PER_ORGANISATION;
  const connectionId = randomUUID();
  const request = {
    organisationId,
    connectionId,
    expiresAt: leaseExpiry(Date.now(), settings.SSE_TIMEOUT_MS),
    maxLeases,
  };
  let attempt = await addStreamLease(request);
  if (!attempt.acquired) {
    const expired = expiredLeaseIds(attempt.leases, epochSeconds(Date.now()));
    if (expired.length > 0) {
      await removeExpiredStreamLeases(organisationId, expired, epochSeconds(Date.now()));
      attempt = await addStreamLease(request);
    }
  }
  if (!attempt.acquired) {
    const retryAfter = retryAfterSeconds(attempt.leases, epochSeconds(Date.now()));
    throw new ApiError(
      'too_many_streams',
      `The organisation already has its ${maxLeases} open progress streams. Close one or retry after ${retryAfter} s.`,
      undefined,
      { 'retry-after': String(retryAfter) },
    );
  }
  const release = () =>
    removeStreamLease(organisationId, connectionId).catch((error: unknown) => {
      logger.warn('Releasing a progress stream lease failed; it expires by itself', {
        error: safeErrorSummary(error),
        organisationId,
      });
    });
  return { release };
}
