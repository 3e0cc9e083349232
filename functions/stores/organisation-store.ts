import { entityNames } from '../../lib/definitions/table.ts';
import { dynamo, queryIndexPartition, tableName, writeIfConditionHolds } from './dynamo.ts';
import { GetCommand, PutCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export interface Organisation {
  organisationId: string;
  name: string;
  /** Monthly AI quota units; absent means the deployment default applies. */
  monthlyQuota?: number;
  /** AI requests per minute; absent means the deployment default applies. */
  aiRequestsPerMinute?: number;
  createdAt: string;
}

/** The limits an administrator can set per organisation, each falling back to a deployment default. */
export type OrganisationLimit = 'monthlyQuota' | 'aiRequestsPerMinute';

function toOrganisation(item: Record<string, unknown>): Organisation {
  return {
    organisationId: String(item.organisationId),
    name: String(item.name),
    ...(typeof item.monthlyQuota === 'number' ? { monthlyQuota: item.monthlyQuota } : {}),
    ...(typeof item.aiRequestsPerMinute === 'number' ? { aiRequestsPerMinute: item.aiRequestsPerMinute } : {}),
    createdAt: String(item.createdAt),
  };
}

export async function putOrganisation(organisation: Organisation): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...itemKeys.organisation(organisation.organisationId),
        ...itemKeys.organisationsIndex(organisation.createdAt, organisation.organisationId),
        entity: entityNames.organisation,
        ...organisation,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getOrganisation(organisationId: string): Promise<Organisation | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.organisation(organisationId) }),
  );
  return Item ? toOrganisation(Item) : undefined;
}

export async function listOrganisations(): Promise<Organisation[]> {
  return (await queryIndexPartition('ORGANISATIONS')).map(toOrganisation);
}

/** Sets one of the organisation's own limits, or removes it (null) so the deployment default applies. */
export async function setOrganisationLimit(
  organisationId: string,
  limit: OrganisationLimit,
  value: number | null,
): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.organisation(organisationId),
        UpdateExpression: value === null ? 'REMOVE #limit' : 'SET #limit = :value',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#limit': limit },
        ...(value === null ? {} : { ExpressionAttributeValues: { ':value': value } }),
      }),
    ),
  );
}
