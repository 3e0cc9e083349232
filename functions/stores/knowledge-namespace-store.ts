/**
 * Each knowledge-base namespace's chunk count, in one counter item, so the per-namespace limit holds under
 * concurrent uploads: an upload reserves its chunks with one conditional update before anything is
 * embedded or written, and two uploads can never both pass a check that only one of them fits.
 *
 * The same item carries `documentsVersion`, added to in the same transaction that writes or deletes a
 * document item, so a warm function can tell with one read whether its in-memory index is still current.
 */
import { entityNames } from '../../lib/definitions/table.ts';
import { conditionalWrite, dynamo, tableName, writeIfConditionHolds } from './dynamo.ts';
import { GetCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export type ChunkReservation = { reserved: true } | { reserved: false; chunksInNamespace: number };

export async function reserveNamespaceChunks(
  organisationId: string,
  namespace: string,
  chunks: number,
  maxChunks: number,
): Promise<ChunkReservation> {
  if (chunks > maxChunks) return { reserved: false, chunksInNamespace: 0 };
  const write = await conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.knowledgeNamespaceUsage(organisationId, namespace),
        UpdateExpression: 'ADD chunkCount :chunks SET entity = :entity',
        ConditionExpression: 'attribute_not_exists(chunkCount) OR chunkCount <= :highestCountBefore',
        ExpressionAttributeValues: {
          ':chunks': chunks,
          ':highestCountBefore': maxChunks - chunks,
          ':entity': entityNames.knowledgeNamespaceUsage,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return write.applied
    ? { reserved: true }
    : { reserved: false, chunksInNamespace: Number(write.itemBefore?.chunkCount ?? 0) };
}

/** Gives back the chunks of an upload that stored nothing. Never takes the counter below zero. */
export async function releaseNamespaceChunks(organisationId: string, namespace: string, chunks: number): Promise<void> {
  await writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({ TableName: tableName(), ...namespaceChunksRelease(organisationId, namespace, chunks) }),
    ),
  );
}

/** The release as an update, so deleting a document can release its chunks in the same transaction. */
export function namespaceChunksRelease(organisationId: string, namespace: string, chunks: number) {
  return {
    Key: itemKeys.knowledgeNamespaceUsage(organisationId, namespace),
    UpdateExpression: 'ADD chunkCount :negativeChunks, documentsVersion :one',
    ConditionExpression: 'chunkCount >= :chunks',
    ExpressionAttributeValues: { ':negativeChunks': -chunks, ':chunks': chunks, ':one': 1 },
  };
}

/** For the transaction that writes or deletes a document item: any change of the visible documents bumps it. */
export function namespaceVersionBump(organisationId: string, namespace: string) {
  return {
    Key: itemKeys.knowledgeNamespaceUsage(organisationId, namespace),
    UpdateExpression: 'ADD documentsVersion :one',
    ExpressionAttributeValues: { ':one': 1 },
  };
}

export interface NamespaceState {
  chunkCount: number;
  /** 0 for a namespace whose documents were all written before versions existed. */
  documentsVersion: number;
}

/** Consistent, so a document committed or deleted before this read is reflected in the version. */
export async function readNamespaceState(organisationId: string, namespace: string): Promise<NamespaceState> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: itemKeys.knowledgeNamespaceUsage(organisationId, namespace),
      ConsistentRead: true,
    }),
  );
  return { chunkCount: Number(Item?.chunkCount ?? 0), documentsVersion: Number(Item?.documentsVersion ?? 0) };
}
