import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { entityNames } from '../../lib/definitions/table.ts';
import { dynamo, isConditionalCheckFailure, tableName } from './dynamo.ts';
import { itemKeys } from './item-keys.ts';

export interface QuotaConsumption {
  organisationId: string;
  period: string;
  units: number;
  limit: number;
  expiresAt: number;
}

/**
 * Adds `units` to the period's counter only if the result stays within `limit`. DynamoDB serialises
 * conditional updates on one item, so N concurrent callers against R remaining units admit exactly R.
 * Returns the new usage, or undefined when the quota is exhausted.
 */
export async function consumeQuota(consumption: QuotaConsumption): Promise<number | undefined> {
  const { organisationId, period, units, limit, expiresAt } = consumption;
  if (units > limit) return undefined;
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.quotaPeriod(organisationId, period),
        UpdateExpression: 'ADD used :units SET entity = :entity, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(used) OR used <= :highestUsageBefore',
        ExpressionAttributeValues: {
          ':units': units,
          ':highestUsageBefore': limit - units,
          ':entity': entityNames.quotaPeriod,
          ':expiresAt': expiresAt,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.used ?? units);
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
}

/** Gives units back when the work they paid for never happened (e.g. the model was unavailable). */
export async function refundQuota(organisationId: string, period: string, units: number): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.quotaPeriod(organisationId, period),
        UpdateExpression: 'ADD used :negativeUnits',
        ConditionExpression: 'used >= :units',
        ExpressionAttributeValues: { ':negativeUnits': -units, ':units': units },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailure(error)) throw error;
    });
}

export async function quotaUsed(organisationId: string, period: string): Promise<number> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.quotaPeriod(organisationId, period) }),
  );
  return Number(Item?.used ?? 0);
}
