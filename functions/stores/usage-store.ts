import { entityNames } from '../../lib/definitions/table.ts';
import {
  noUsage,
  type OrganisationUsage,
  type UsageCounts,
  type UsageRoute,
  usageCountFields,
  usageRoutes,
} from '../domain/usage/model-usage.ts';
import { dynamo, tableName } from './dynamo.ts';
import { GetCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

/** Per-route counts are flat attributes (`icp.inputTokens`): ADD cannot create a nested map and add to it at once. */
const routeAttribute = (route: UsageRoute, field: keyof UsageCounts) => `${route}.${field}`;

export interface UsageAddition {
  organisationId: string;
  period: string;
  route: UsageRoute;
  counts: UsageCounts;
  expiresAt: number;
}

/**
 * Adds one model call's counts to the organisation's month, in total and for its route: one UpdateItem with ADD,
 * so concurrent calls add up without reading first.
 */
export async function addUsage({ organisationId, period, route, counts, expiresAt }: UsageAddition): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':entity': entityNames.usagePeriod, ':expiresAt': expiresAt };
  const additions = usageCountFields.flatMap((field, index) => {
    names[`#t${index}`] = field;
    names[`#r${index}`] = routeAttribute(route, field);
    values[`:v${index}`] = counts[field];
    return [`#t${index} :v${index}`, `#r${index} :v${index}`];
  });
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: itemKeys.usagePeriod(organisationId, period),
      UpdateExpression: `ADD ${additions.join(', ')} SET entity = :entity, expiresAt = :expiresAt`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

function countsOf(item: Record<string, unknown>, attributeOf: (field: keyof UsageCounts) => string): UsageCounts {
  const counts = noUsage();
  for (const field of usageCountFields) counts[field] = Number(item[attributeOf(field)] ?? 0);
  return counts;
}

/** The organisation's counts for one month; zeros when nothing was counted. */
export async function readUsage(organisationId: string, period: string): Promise<OrganisationUsage> {
  const { Item = {} } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.usagePeriod(organisationId, period) }),
  );
  const byRoute: OrganisationUsage['byRoute'] = {};
  for (const route of usageRoutes) {
    if (Item[routeAttribute(route, 'modelCalls')] !== undefined) {
      byRoute[route] = countsOf(Item, (field) => routeAttribute(route, field));
    }
  }
  return { period, ...countsOf(Item, (field) => field), byRoute };
}
