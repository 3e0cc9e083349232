import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { entityNames } from '../../lib/definitions/table.ts';
import { dynamo, isConditionalCheckFailure, tableName } from './dynamo.ts';
import { itemKeys } from './item-keys.ts';

export interface WindowedRequest {
  organisationId: string;
  window: string;
  limit: number;
  expiresAt: number;
}

/**
 * Counts one request in the organisation's window if the window still has room. One conditional update, so
 * N concurrent requests against R free slots admit exactly R (as with the quota counter).
 */
export async function admitRequestInWindow(request: WindowedRequest): Promise<boolean> {
  const { organisationId, window, limit, expiresAt } = request;
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.rateWindow(organisationId, window),
        UpdateExpression: 'ADD requests :one SET entity = :entity, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':entity': entityNames.rateWindow,
          ':expiresAt': expiresAt,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
