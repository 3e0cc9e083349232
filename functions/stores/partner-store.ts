import { entityNames } from '../../lib/definitions/table.ts';
import type { Partner, PartnerFilters, PartnerPage, PartnerUpdate } from '../domain/partners/partner.ts';
import { conditionalWrite, dynamo, tableName } from './dynamo.ts';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

const bookkeeping = ['pk', 'sk', 'entity', 'organisationId'];

function toPartner(item: Record<string, unknown>): Partner {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !bookkeeping.includes(name))) as Partner;
}

export async function putPartner(organisationId: string, partner: Partner): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...itemKeys.partner(organisationId, partner.partnerId),
        entity: entityNames.partner,
        organisationId,
        ...partner,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getPartner(organisationId: string, partnerId: string): Promise<Partner | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.partner(organisationId, partnerId) }),
  );
  return Item ? toPartner(Item) : undefined;
}

/** Applies the given fields; returns undefined when the partner does not exist in this organisation. */
export async function updatePartner(
  organisationId: string,
  partnerId: string,
  update: PartnerUpdate,
  updatedAt: string,
): Promise<Partner | undefined> {
  const fields = Object.entries({ ...update, updatedAt }).filter(([, value]) => value !== undefined);
  const write = await conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.partner(organisationId, partnerId),
        UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], index) => [`:v${index}`, value])),
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  const updated = write.applied ? write.output.Attributes : undefined;
  return updated ? toPartner(updated) : undefined;
}

export async function deletePartner(organisationId: string, partnerId: string): Promise<boolean> {
  const { Attributes } = await dynamo().send(
    new DeleteCommand({
      TableName: tableName(),
      Key: itemKeys.partner(organisationId, partnerId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return Attributes !== undefined;
}

function filterExpression(filters: PartnerFilters) {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const field of ['type', 'tier', 'status', 'region'] as const) {
    const wanted = filters[field];
    if (wanted === undefined) continue;
    conditions.push(`#${field} = :${field}`);
    names[`#${field}`] = field;
    values[`:${field}`] = wanted;
  }
  if (filters.tag !== undefined) {
    conditions.push('contains(#tags, :tag)');
    names['#tags'] = 'tags';
    values[':tag'] = filters.tag;
  }
  return { conditions, names, values };
}

export async function listPartners(
  organisationId: string,
  filters: PartnerFilters,
  limit: number,
  cursor?: string,
): Promise<PartnerPage> {
  const { pk, sk: prefix } = itemKeys.partner(organisationId, '');
  const filter = filterExpression(filters);
  const page = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(filter.conditions.length > 0
        ? { FilterExpression: filter.conditions.join(' AND '), ExpressionAttributeNames: filter.names }
        : {}),
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...filter.values },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, pk, prefix),
    }),
  );
  return {
    partners: (page.Items ?? []).map(toPartner),
    ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}),
  };
}

/** Every partner matching the filters; reports and grounding read whole rosters. */
export async function listAllPartners(organisationId: string, filters: PartnerFilters = {}): Promise<Partner[]> {
  const partners: Partner[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPartners(organisationId, filters, 100, cursor);
    partners.push(...page.partners);
    cursor = page.nextCursor;
  } while (cursor);
  return partners;
}
