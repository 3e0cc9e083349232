/**
 * Knowledge-base documents. Per document: one document item (metadata), its content in parts, and one item
 * per chunk (text, heading path and the embedding as Float32 bytes).
 *
 * The document item is the commit marker. Writes go parts and chunks first, document item last; reads only
 * see chunks whose document item exists; deletes remove parts and chunks first, document item last. A
 * transaction could not cover a whole document (100 items per TransactWrite, and one large document has
 * hundreds of chunks), so several transactions would not be atomic together either; this ordering gives
 * the same guarantee for readers with plain batch writes, and a failed delete can simply be repeated.
 *
 * The namespace's chunk counter (knowledge-namespace-store.ts) is reserved by the upload before this store is
 * called. The document item records that its chunks were counted, and deleting it releases them in the same
 * transaction, so a repeated or concurrent delete releases them exactly once. Documents stored before the
 * counter existed carry no such mark and release nothing.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { entityNames } from '../../lib/definitions/table.ts';
import type { TextChunk } from '../domain/knowledge/chunking.ts';
import { encodeIndexEntries, indexEntryOf } from '../domain/knowledge/compact-index.ts';
import { splitIntoContentParts } from '../domain/knowledge/content-parts.ts';
import type { KnowledgeDocument, KnowledgeDocumentMetadata } from '../domain/knowledge/document.ts';
import type { CandidateChunk } from '../domain/knowledge/retrieval.ts';
import { decodeVector, encodeVector } from '../domain/knowledge/vector-codec.ts';
import { logger } from '../runtime/logger.ts';
import { dynamo, isTransactionCanceled, queryAll, sendUntilProcessed, tableName } from './dynamo.ts';
import { BatchWriteCommand, GetCommand, TransactWriteCommand } from './dynamodb/commands.ts';
import { itemKeys, knowledgeSortKeyPrefixes } from './item-keys.ts';
import { namespaceChunksRelease, namespaceVersionBump } from './knowledge-namespace-store.ts';

export interface ChunkToStore extends TextChunk {
  embedding?: number[];
}

export interface StoredChunk extends CandidateChunk {
  /** The model that produced `embedding`; vectors of different models are not comparable. */
  embeddingModel?: string;
}

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

export async function putKnowledgeDocument(
  organisationId: string,
  document: KnowledgeDocument,
  chunks: ChunkToStore[],
  embeddingModel?: string,
): Promise<void> {
  const { namespace, documentId, title, content, ...metadata } = document;
  const owner = { organisationId, namespace, documentId };
  const parts = splitIntoContentParts(content);
  const dependents: Item[] = [
    ...parts.map((partContent, part) => ({
      ...itemKeys.knowledgeContentPart(organisationId, namespace, documentId, part),
      entity: entityNames.knowledgeContentPart,
      ...owner,
      part,
      content: partContent,
    })),
    ...chunks.map((chunk) => ({
      ...itemKeys.knowledgeChunk(organisationId, namespace, documentId, chunk.chunkIndex),
      entity: entityNames.knowledgeChunk,
      ...owner,
      title,
      chunkIndex: chunk.chunkIndex,
      headingPath: chunk.headingPath,
      text: chunk.text,
      ...(chunk.embedding ? { embedding: encodeVector(chunk.embedding) } : {}),
    })),
    // Written before the document item like the chunks, so an indexed reader never misses a visible chunk.
    {
      ...itemKeys.knowledgeIndex(organisationId, namespace, documentId),
      entity: entityNames.knowledgeIndex,
      ...owner,
      entries: encodeIndexEntries(chunks.map((chunk) => indexEntryOf({ ...chunk, title }))),
    },
  ];
  try {
    await batchWrite(dependents.map((Item) => ({ PutRequest: { Item } })));
  } catch (error) {
    // Invisible without their document item; removing them only saves storage. Not done when the document
    // Put fails: that Put may have succeeded with its response lost, and its chunks must then stay.
    await batchWrite(dependents.map((item) => ({ DeleteRequest: { Key: keyOf(item) } }))).catch((cleanupError) =>
      logger.warn('Could not remove the parts of a document that failed to save', {
        error: cleanupError as Error,
        documentId,
      }),
    );
    throw error;
  }
  // Unconditional: the id is fresh, and a write retried after a lost response must stay idempotent (a second
  // version bump only makes warm indexes reload once more). One transaction with the bump, so no crash can
  // leave a committed document that warm indexes would not notice.
  const documentItem = {
    ...itemKeys.knowledgeDocument(organisationId, namespace, documentId),
    entity: entityNames.knowledgeDocument,
    ...owner,
    title,
    ...metadata,
    contentPartCount: parts.length,
    countedInNamespace: true,
    hasRetrievalIndex: true,
    ...(metadata.embedded && embeddingModel ? { embeddingModel } : {}),
  };
  await transactRetryingConflicts(
    () => [
      { Put: { TableName: tableName(), Item: documentItem } },
      { Update: { TableName: tableName(), ...namespaceVersionBump(organisationId, namespace) } },
    ],
    async () => true,
  );
}

export async function getKnowledgeDocument(
  organisationId: string,
  namespace: string,
  documentId: string,
): Promise<KnowledgeDocument | undefined> {
  const documentItem = await getDocumentItem(organisationId, namespace, documentId);
  if (!documentItem) return undefined;
  const parts = await queryNamespaceItems(
    organisationId,
    namespace,
    knowledgeSortKeyPrefixes.contentPartsOf(documentId),
    true,
  );
  return { ...toMetadata(documentItem), content: parts.map((part) => String(part.content)).join('') };
}

/** Newest first. */
export async function listKnowledgeDocuments(
  organisationId: string,
  namespace: string,
): Promise<KnowledgeDocumentMetadata[]> {
  const items = await queryDocumentItems(organisationId, namespace);
  return items.map(toMetadata).sort((a, b) => compare(b.createdAt, a.createdAt) || compare(a.documentId, b.documentId));
}

/** False when the document does not exist in this organisation and namespace. */
export async function deleteKnowledgeDocument(
  organisationId: string,
  namespace: string,
  documentId: string,
): Promise<boolean> {
  const documentItem = await getDocumentItem(organisationId, namespace, documentId);
  if (!documentItem) return false;
  const partKeys = Array.from({ length: Number(documentItem.contentPartCount ?? 0) }, (_, part) =>
    itemKeys.knowledgeContentPart(organisationId, namespace, documentId, part),
  );
  const chunkKeys = Array.from({ length: Number(documentItem.chunkCount ?? 0) }, (_, chunkIndex) =>
    itemKeys.knowledgeChunk(organisationId, namespace, documentId, chunkIndex),
  );
  const indexKey = itemKeys.knowledgeIndex(organisationId, namespace, documentId);
  await batchWrite([...partKeys, ...chunkKeys, indexKey].map((Key) => ({ DeleteRequest: { Key } })));
  const documentKey = itemKeys.knowledgeDocument(organisationId, namespace, documentId);
  const counterUpdate =
    documentItem.countedInNamespace === true
      ? namespaceChunksRelease(organisationId, namespace, Number(documentItem.chunkCount))
      : namespaceVersionBump(organisationId, namespace);
  await transactRetryingConflicts(
    () => [
      { Delete: { TableName: tableName(), Key: documentKey, ConditionExpression: 'attribute_exists(pk)' } },
      { Update: { TableName: tableName(), ...counterUpdate } },
    ],
    // Still there: a conflicting transaction on the counter item; gone: a concurrent delete removed it (and
    // released its chunks) first, the outcome this one wanted.
    async () => (await getDocumentItem(organisationId, namespace, documentId)) !== undefined,
  );
  return true;
}

/** Whether the document item was written: an upload whose last write failed asks before giving its chunks back. */
export async function knowledgeDocumentExists(
  organisationId: string,
  namespace: string,
  documentId: string,
): Promise<boolean> {
  return (await getDocumentItem(organisationId, namespace, documentId)) !== undefined;
}

/** Every chunk of the namespace whose document is visible, with decoded embeddings. */
export async function loadKnowledgeChunks(organisationId: string, namespace: string): Promise<StoredChunk[]> {
  const [documentItems, chunkItems] = await Promise.all([
    queryDocumentItems(organisationId, namespace),
    queryNamespaceItems(organisationId, namespace, knowledgeSortKeyPrefixes.chunks),
  ]);
  const documents = new Map(documentItems.map((item) => [String(item.documentId), item]));
  return chunkItems.flatMap((item) => {
    const document = documents.get(String(item.documentId));
    return document ? [toStoredChunk(item, document)] : [];
  });
}

/** A chunk item with its document's title, source and embedding model. */
export function toStoredChunk(chunkItem: Item, documentItem: Item): StoredChunk {
  const embedding = chunkItem.embedding instanceof Uint8Array ? decodeVector(chunkItem.embedding) : undefined;
  return {
    documentId: String(chunkItem.documentId),
    chunkIndex: Number(chunkItem.chunkIndex),
    title: String(documentItem.title),
    ...(typeof documentItem.source === 'string' ? { source: documentItem.source } : {}),
    headingPath: Array.isArray(chunkItem.headingPath) ? chunkItem.headingPath.map(String) : [],
    text: String(chunkItem.text),
    ...(embedding ? { embedding } : {}),
    ...(typeof documentItem.embeddingModel === 'string' ? { embeddingModel: documentItem.embeddingModel } : {}),
  };
}

async function getDocumentItem(organisationId: string, namespace: string, documentId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: itemKeys.knowledgeDocument(organisationId, namespace, documentId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

// Consistent, so a document is listed and retrievable as soon as its POST returned, and gone after DELETE.
export function queryDocumentItems(organisationId: string, namespace: string): Promise<Item[]> {
  return queryNamespaceItems(organisationId, namespace, knowledgeSortKeyPrefixes.documents, true);
}

/** Every item of the namespace whose sort key begins with `prefix` (knowledgeSortKeyPrefixes). */
export function queryNamespaceItems(
  organisationId: string,
  namespace: string,
  prefix: string,
  consistentRead = false,
): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': itemKeys.knowledgeNamespace(organisationId, namespace).pk, ':prefix': prefix },
    ...(consistentRead ? { ConsistentRead: true } : {}),
  });
}

function toMetadata(item: Item): KnowledgeDocumentMetadata {
  return {
    documentId: String(item.documentId),
    namespace: String(item.namespace),
    title: String(item.title),
    ...(typeof item.source === 'string' ? { source: item.source } : {}),
    chunkCount: Number(item.chunkCount),
    embedded: item.embedded === true,
    createdAt: String(item.createdAt),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOf(item: Item): Key {
  return { pk: String(item.pk), sk: String(item.sk) };
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
const maxTransactionAttempts = 6;

/**
 * Uploads and deletes of one namespace all update its counter item, so their transactions can conflict;
 * a cancelled transaction is sent again while `shouldRetry` says its effect is still wanted.
 */
async function transactRetryingConflicts(
  items: () => TransactItems,
  shouldRetry: () => Promise<boolean>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items() }));
      return;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      if (!(await shouldRetry())) return;
      if (attempt === maxTransactionAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

const batchSize = 25;
const parallelBatches = 4;

/** BatchWriteItem in groups of 25, a few groups at a time, re-sending unprocessed items with backoff. */
async function batchWrite(requests: WriteRequest[]): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += batchSize)
    batches.push(requests.slice(start, start + batchSize));
  for (let start = 0; start < batches.length; start += parallelBatches) {
    await Promise.all(batches.slice(start, start + parallelBatches).map(writeBatch));
  }
}

function writeBatch(batch: WriteRequest[]): Promise<void> {
  return sendUntilProcessed(
    batch,
    async (pending) => {
      const { UnprocessedItems } = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
      );
      return (UnprocessedItems?.[tableName()] ?? []) as WriteRequest[];
    },
    'batch writes',
  );
}
