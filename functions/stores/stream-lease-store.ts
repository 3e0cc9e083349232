/**
 * The organisation's open progress streams: one item whose `leases` map holds connection id → expiry (epoch
 * seconds). Adding a lease is one conditional update on `size(leases)`, so concurrent streams opened on any
 * number of function instances are admitted exactly up to the limit.
 */

import { entityNames } from '../../lib/definitions/table.ts';
import type { StreamLeases } from '../domain/reports/stream-leases.ts';
import { conditionalWrite, dynamo, tableName, writeIfConditionHolds } from './dynamo.ts';
import { UpdateCommand, type UpdateCommandInput } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export interface StreamLeaseRequest {
  organisationId: string;
  connectionId: string;
  /** Epoch seconds. */
  expiresAt: number;
  maxLeases: number;
}

/** When refused, the leases that filled the map (from the refused update itself: no extra read). */
export type LeaseAttempt = { acquired: true } | { acquired: false; leases: StreamLeases };

const noLeaseMap = Symbol('no lease map');

const leaseItemUpdate = (organisationId: string, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
  new UpdateCommand({ TableName: tableName(), Key: itemKeys.streamLeases(organisationId), ...update });

/**
 * Adds the lease if the organisation holds fewer than `maxLeases`. An update cannot create the map and add
 * to it at once (a path into a missing map is an error), so the organisation's first stream creates the map
 * with its lease in it, conditional on the map not existing; when two first streams race, the loser adds to
 * the winner's map.
 */
export async function addStreamLease(request: StreamLeaseRequest): Promise<LeaseAttempt> {
  const added = await addToLeaseMap(request);
  if (added !== noLeaseMap) return added;
  if (await createLeaseMap(request)) return { acquired: true };
  const addedAfterRace = await addToLeaseMap(request);
  return addedAfterRace === noLeaseMap ? { acquired: false, leases: {} } : addedAfterRace;
}

async function addToLeaseMap(request: StreamLeaseRequest): Promise<LeaseAttempt | typeof noLeaseMap> {
  const write = await conditionalWrite(() =>
    dynamo().send(
      leaseItemUpdate(request.organisationId, {
        UpdateExpression: 'SET leases.#connection = :expiresAt',
        ConditionExpression: 'size(leases) < :maxLeases',
        ExpressionAttributeNames: { '#connection': request.connectionId },
        ExpressionAttributeValues: { ':expiresAt': request.expiresAt, ':maxLeases': request.maxLeases },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (write.applied) return { acquired: true };
  const leases = write.itemBefore?.leases as StreamLeases | undefined;
  return leases ? { acquired: false, leases } : noLeaseMap;
}

async function createLeaseMap(request: StreamLeaseRequest): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      leaseItemUpdate(request.organisationId, {
        UpdateExpression: 'SET leases = :leases, entity = :entity, organisationId = :organisationId',
        ConditionExpression: 'attribute_not_exists(leases)',
        ExpressionAttributeValues: {
          ':leases': { [request.connectionId]: request.expiresAt },
          ':entity': entityNames.streamLeases,
          ':organisationId': request.organisationId,
        },
      }),
    ),
  );
}

/** Ends a stream's lease. Idempotent: a lease that is already gone (released or pruned) is left alone. */
export async function removeStreamLease(organisationId: string, connectionId: string): Promise<void> {
  await removeLeases(organisationId, [connectionId], (name) => `attribute_exists(${name})`, {});
}

/**
 * Removes leases that have expired, i.e. whose function was killed before it could release them. Each one
 * is removed only while it is still absent or expired, so a prune can never take away a live stream's lease.
 */
export async function removeExpiredStreamLeases(
  organisationId: string,
  connectionIds: string[],
  nowSeconds: number,
): Promise<void> {
  if (connectionIds.length === 0) return;
  await removeLeases(organisationId, connectionIds, (name) => `(attribute_not_exists(${name}) OR ${name} <= :now)`, {
    ':now': nowSeconds,
  });
}

async function removeLeases(
  organisationId: string,
  connectionIds: string[],
  conditionOf: (path: string) => string,
  values: Record<string, unknown>,
): Promise<void> {
  const paths = connectionIds.map((_, index) => `leases.#lease${index}`);
  await writeIfConditionHolds(() =>
    dynamo().send(
      leaseItemUpdate(organisationId, {
        UpdateExpression: `REMOVE ${paths.join(', ')}`,
        ConditionExpression: paths.map(conditionOf).join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(connectionIds.map((id, index) => [`#lease${index}`, id])),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    ),
  );
}
