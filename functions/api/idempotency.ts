/**
 * `Idempotency-Key` on create endpoints: a retry of the same request with the same key within 24 hours gets
 * the first response again (with `Idempotent-Replayed: true`) instead of creating or charging twice. Only
 * successful (2xx) responses are kept; a failure releases the key, so a corrected retry runs. A key in use by a
 * request still running, or already used for another request, is 409 `conflict`.
 */
import { randomUUID } from 'node:crypto';
import {
  idempotencyClaimSeconds,
  idempotencyKeyHash,
  idempotencyKeyHeader,
  idempotencyKeySchema,
  idempotencyReplaySeconds,
  requestFingerprint,
} from '../domain/access/idempotency.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyRecord,
  releaseIdempotencyKey,
} from '../stores/idempotency-store.ts';
import { ApiError } from './api-error.ts';
import type { ApiResponse } from './http-types.ts';
import type { Route, RouteContext } from './router.ts';

export const replayedHeader = 'idempotent-replayed';

const epochSeconds = () => Math.floor(Date.now() / 1000);

function keyOf({ request }: RouteContext): string | undefined {
  const key = request.headers[idempotencyKeyHeader];
  if (key === undefined) return undefined;
  if (!idempotencyKeySchema.safeParse(key).success) {
    throw new ApiError(
      'invalid_idempotency_key',
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
    );
  }
  return key;
}

function answerFromRecord(record: IdempotencyRecord, fingerprint: string): ApiResponse {
  if (record.fingerprint !== fingerprint) {
    throw new ApiError(
      'conflict',
      'This Idempotency-Key was already used for a different request. Send a new key with a new request.',
    );
  }
  if (record.state === 'in_progress') {
    throw new ApiError(
      'conflict',
      'A request with this Idempotency-Key is still in progress. Retry after it has finished to get its response.',
      undefined,
      { 'retry-after': '1' },
    );
  }
  const { statusCode, headers, body } = record.response;
  return { statusCode, headers: { ...headers, [replayedHeader]: 'true' }, body };
}

/** Wraps a create route so that it honours `Idempotency-Key`; without the header the route runs as before. */
export function idempotent(handle: Route['handle']): Route['handle'] {
  return async (context) => {
    const key = keyOf(context);
    if (key === undefined) return handle(context);
    const { organisationId } = context.caller.organisation;
    const { method, path, body } = context.request;
    const keyHash = idempotencyKeyHash(key);
    const fingerprint = requestFingerprint(method, path, body);
    const claimId = randomUUID();
    const now = epochSeconds();
    const claim = await claimIdempotencyKey({
      organisationId,
      keyHash,
      fingerprint,
      claimId,
      now,
      claimExpiresAt: now + idempotencyClaimSeconds,
    });
    if (!claim.claimed) return answerFromRecord(claim.record, fingerprint);

    const release = () =>
      releaseIdempotencyKey(organisationId, keyHash, claimId).catch((error: unknown) => {
        logger.warn('Releasing an idempotency key failed; it frees itself when its claim expires', {
          error: safeErrorSummary(error),
        });
      });
    let response: ApiResponse;
    try {
      response = await handle(context);
    } catch (error) {
      await release();
      throw error;
    }
    const succeeded = response.statusCode >= 200 && response.statusCode < 300;
    if (!succeeded || typeof response.body !== 'string') {
      await release();
      return response;
    }
    const stored = { statusCode: response.statusCode, headers: response.headers, body: response.body };
    // The work is done either way: a failed write only means a retry is refused until the claim expires.
    await completeIdempotencyKey(organisationId, keyHash, claimId, stored, epochSeconds() + idempotencyReplaySeconds)
      .then((completed) => {
        if (!completed) logger.warn('An idempotency claim expired before its request finished');
      })
      .catch((error: unknown) => {
        logger.warn('Storing an idempotent response failed', { error: safeErrorSummary(error) });
      });
    return response;
  };
}
