import { entityNames } from '../../lib/definitions/table.ts';
import { dynamo, queryIndexPartition, tableName, writeIfConditionHolds } from './dynamo.ts';
import { GetCommand, PutCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export interface ApiKeyRecord {
  keyId: string;
  secretHash: string;
  organisationId: string;
  userEmail: string;
  label?: string;
  createdAt: string;
  revokedAt?: string;
}

function toApiKeyRecord(item: Record<string, unknown>): ApiKeyRecord {
  return {
    keyId: String(item.keyId),
    secretHash: String(item.secretHash),
    organisationId: String(item.organisationId),
    userEmail: String(item.userEmail),
    ...(item.label ? { label: String(item.label) } : {}),
    createdAt: String(item.createdAt),
    ...(item.revokedAt ? { revokedAt: String(item.revokedAt) } : {}),
  };
}

export async function putApiKey(record: ApiKeyRecord): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...itemKeys.apiKey(record.keyId),
        ...itemKeys.apiKeysOfOrganisationIndex(record.organisationId, record.createdAt, record.keyId),
        entity: entityNames.apiKey,
        ...record,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: tableName(), Key: itemKeys.apiKey(keyId) }));
  return Item ? toApiKeyRecord(Item) : undefined;
}

export async function listApiKeys(organisationId: string): Promise<ApiKeyRecord[]> {
  const { gsi1pk } = itemKeys.apiKeysOfOrganisationIndex(organisationId);
  return (await queryIndexPartition(gsi1pk)).map(toApiKeyRecord);
}

/** Returns false when no such key exists. Revoking twice keeps the first revocation time. */
export async function revokeApiKey(keyId: string, revokedAt: string): Promise<boolean> {
  return writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.apiKey(keyId),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': revokedAt },
      }),
    ),
  );
}
