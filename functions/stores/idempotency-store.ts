/**
 * Idempotency records: one item per organisation and key. A request claims its key with one conditional put;
 * the claim is then completed with the response to replay, or released so a corrected retry can run. Each claim
 * carries its own id, so a request whose claim expired and was taken over cannot complete or release the new one.
 */

import { entityNames } from '../../lib/definitions/table.ts';
import { conditionalWrite, dynamo, tableName, writeIfConditionHolds } from './dynamo.ts';
import { DeleteCommand, PutCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyRecord =
  | { state: 'in_progress'; fingerprint: string; expiresAt: number }
  | { state: 'completed'; fingerprint: string; expiresAt: number; response: StoredResponse };

export interface ClaimRequest {
  organisationId: string;
  keyHash: string;
  fingerprint: string;
  claimId: string;
  /** Epoch seconds. */
  now: number;
  /** Epoch seconds: when the claim lapses if it is neither completed nor released. */
  claimExpiresAt: number;
}

/** The key is this request's now, or it is held by the record found (from the refused put: no extra read). */
export type Claim = { claimed: true } | { claimed: false; record: IdempotencyRecord };

/**
 * Claims the key unless a live record holds it. An expired record counts as absent: TTL deletes items only
 * some time after `expiresAt`, and the key must be free again as soon as its time is up.
 */
export async function claimIdempotencyKey(request: ClaimRequest): Promise<Claim> {
  const write = await conditionalWrite(() =>
    dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...itemKeys.idempotencyRecord(request.organisationId, request.keyHash),
          entity: entityNames.idempotencyRecord,
          state: 'in_progress',
          fingerprint: request.fingerprint,
          claimId: request.claimId,
          expiresAt: request.claimExpiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': request.now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (write.applied) return { claimed: true };
  return { claimed: false, record: write.itemBefore as IdempotencyRecord };
}

const ownClaim = (organisationId: string, keyHash: string) => ({
  TableName: tableName(),
  Key: itemKeys.idempotencyRecord(organisationId, keyHash),
  ConditionExpression: 'claimId = :claimId',
});

/** Stores the response to replay until `expiresAt`; false when the claim was no longer this request's. */
export async function completeIdempotencyKey(
  organisationId: string,
  keyHash: string,
  claimId: string,
  response: StoredResponse,
  expiresAt: number,
): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({
        ...ownClaim(organisationId, keyHash),
        UpdateExpression: 'SET #state = :completed, #response = :response, expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':claimId': claimId,
          ':completed': 'completed',
          ':response': response,
          ':expiresAt': expiresAt,
        },
      }),
    ),
  );
}

/** Frees the key for the next request, if this request still holds it. */
export async function releaseIdempotencyKey(organisationId: string, keyHash: string, claimId: string): Promise<void> {
  await writeIfConditionHolds(() =>
    dynamo().send(
      new DeleteCommand({
        ...ownClaim(organisationId, keyHash),
        ExpressionAttributeValues: { ':claimId': claimId },
      }),
    ),
  );
}
