/**
 * The compact retrieval index of a namespace (compact-index.ts), loaded from its index items (one per
 * document, `KIDX#<documentId>`) and kept in memory by warm functions, keyed by organisation and namespace.
 *
 * Freshness: the caller reads the namespace's `documentsVersion` (consistent) before asking; the index is
 * reused only when it was built for that version. A rebuild reads the document items (consistent) after the
 * version, so it is never older than the version it is filed under; documents it already holds are kept and
 * only new documents' index items are read. Index items are written before their document item and deleted
 * before it, so every visible document's item is found by a consistent read.
 */

import {
  buildCompactIndex,
  type CompactIndex,
  compactIndexBytes,
  decodeIndexEntries,
} from '../domain/knowledge/compact-index.ts';
import { dynamo, sendUntilProcessed, tableName } from './dynamo.ts';
import { BatchGetCommand } from './dynamodb/commands.ts';
import { itemKeys, knowledgeSortKeyPrefixes } from './item-keys.ts';
import { queryDocumentItems, queryNamespaceItems, type StoredChunk, toStoredChunk } from './knowledge-store.ts';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

interface IndexedDocument {
  item: Item;
  /** The index item's entries as stored: compact, decoded only when the index is rebuilt. */
  entries: Uint8Array;
}

export interface NamespaceIndex {
  documentsVersion: number;
  embeddingModel: string;
  documents: IndexedDocument[];
  index: CompactIndex;
  /** Document items of documents stored before indexes existed: their chunks are read whole, as before. */
  unindexedDocuments: Item[];
  /** Memory held: the flat index plus the stored entries. */
  bytes: number;
}

/**
 * A warm function holds at most this much index; the least recently used namespaces are dropped first. 50,000
 * chunks take 59 MB (bench/retrieval.ts); the functions have 512 MB.
 */
export const maxCachedIndexBytes = 96 * 1024 * 1024;
const cache = new Map<string, NamespaceIndex>();
const cacheKey = (organisationId: string, namespace: string) => `${organisationId}\u0000${namespace}`;

/** The namespace's index for `documentsVersion`. */
export async function openNamespaceIndex(
  organisationId: string,
  namespace: string,
  documentsVersion: number,
  embeddingModel: string,
): Promise<NamespaceIndex> {
  const key = cacheKey(organisationId, namespace);
  const cached = cache.get(key);
  if (cached && cached.documentsVersion === documentsVersion && cached.embeddingModel === embeddingModel) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const allDocumentItems = await queryDocumentItems(organisationId, namespace);
  const documentItems = allDocumentItems.filter((item) => item.hasRetrievalIndex === true);
  const unindexedDocuments = allDocumentItems.filter((item) => item.hasRetrievalIndex !== true);
  const held = new Map((cached?.documents ?? []).map((document) => [String(document.item.documentId), document]));
  const missing = documentItems.filter((item) => !held.has(String(item.documentId)));
  const loaded = cached
    ? await readIndexItems(
        missing.map((item) => itemKeys.knowledgeIndex(organisationId, namespace, String(item.documentId))),
      )
    : await queryIndexItems(organisationId, namespace);
  const entriesById = new Map(loaded.map((item) => [String(item.documentId), item.entries]));
  const documents = documentItems.flatMap((item): IndexedDocument[] => {
    const documentId = String(item.documentId);
    const entries = held.get(documentId)?.entries ?? entriesById.get(documentId);
    // No index item although the document item exists: a delete is under way and its chunks are going.
    return entries instanceof Uint8Array ? [{ item, entries }] : [];
  });
  const namespaceIndex = { ...buildNamespaceIndex(documents, documentsVersion, embeddingModel), unindexedDocuments };
  remember(key, namespaceIndex);
  return namespaceIndex;
}

/** The chunks at `positions` of the index, best effort: a chunk deleted meanwhile is left out. */
export async function readIndexedChunks(
  organisationId: string,
  namespace: string,
  { documents, index }: NamespaceIndex,
  positions: readonly number[],
): Promise<StoredChunk[]> {
  const keys = positions.map((position) => {
    const document = documents[index.documentOrdinal[position] ?? 0];
    return itemKeys.knowledgeChunk(
      organisationId,
      namespace,
      String(document?.item.documentId),
      index.chunkIndex[position] ?? 0,
    );
  });
  // Eventually consistent: the chunks were written before their document item, usually long before. One
  // written moments ago may not be readable yet, so whatever is missing is asked once more, consistently.
  const eventual = await readItems(keys, false);
  const found = new Set(eventual.map((item) => String(item.sk)));
  const late = keys.filter((chunkKey) => !found.has(chunkKey.sk));
  const items = late.length > 0 ? [...eventual, ...(await readItems(late, true))] : eventual;
  const documentItems = new Map(documents.map((document) => [String(document.item.documentId), document.item]));
  return items.flatMap((item) => {
    const documentItem = documentItems.get(String(item.documentId));
    return documentItem ? [toStoredChunk(item, documentItem)] : [];
  });
}

/**
 * Every chunk of the documents stored before indexes existed (at most the old namespace limit of 5,000), read
 * as the exact path reads them; they compete with the index's candidates in the same exact ranking.
 */
export async function readUnindexedChunks(
  organisationId: string,
  namespace: string,
  { unindexedDocuments }: NamespaceIndex,
): Promise<StoredChunk[]> {
  const perDocument = await Promise.all(
    unindexedDocuments.map(async (documentItem) => {
      const chunkItems = await queryNamespaceItems(
        organisationId,
        namespace,
        knowledgeSortKeyPrefixes.chunksOf(String(documentItem.documentId)),
      );
      return chunkItems.map((item) => toStoredChunk(item, documentItem));
    }),
  );
  return perDocument.flat();
}

/** Drops every cached index (tests and benchmarks measuring a cold load). */
export function forgetNamespaceIndexes(): void {
  cache.clear();
}

function buildNamespaceIndex(
  documents: IndexedDocument[],
  documentsVersion: number,
  embeddingModel: string,
): Omit<NamespaceIndex, 'unindexedDocuments'> {
  const decoded = documents.map((document) => ({
    entries: decodeIndexEntries(document.entries),
    semantic: document.item.embeddingModel === embeddingModel,
  }));
  // The vector length of the current model's chunks; chunks of any other length are matched by words only.
  const lengths = new Map<number, number>();
  for (const document of decoded.filter(({ semantic }) => semantic)) {
    for (const entry of document.entries) {
      const length = entry.signBits?.length ?? 0;
      if (length > 0) lengths.set(length, (lengths.get(length) ?? 0) + 1);
    }
  }
  const signBytes = [...lengths].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const index = buildCompactIndex(decoded, signBytes * 8);
  const bytes = compactIndexBytes(index) + documents.reduce((sum, document) => sum + document.entries.byteLength, 0);
  return { documentsVersion, embeddingModel, documents, index, bytes };
}

function remember(key: string, namespaceIndex: NamespaceIndex): void {
  cache.delete(key);
  if (namespaceIndex.bytes > maxCachedIndexBytes) return;
  cache.set(key, namespaceIndex);
  let total = [...cache.values()].reduce((sum, held) => sum + held.bytes, 0);
  for (const [heldKey, held] of cache) {
    if (total <= maxCachedIndexBytes) break;
    cache.delete(heldKey);
    total -= held.bytes;
  }
}

function queryIndexItems(organisationId: string, namespace: string): Promise<Item[]> {
  return queryNamespaceItems(organisationId, namespace, knowledgeSortKeyPrefixes.indexes, true);
}

const readIndexItems = (keys: Key[]) => readItems(keys, true);

const batchGetLimit = 100;

/** BatchGetItem in groups of 100, all at once, asking again for unprocessed keys. */
async function readItems(keys: Key[], consistent: boolean): Promise<Item[]> {
  const groups: Key[][] = [];
  for (let start = 0; start < keys.length; start += batchGetLimit)
    groups.push(keys.slice(start, start + batchGetLimit));
  const items: Item[] = [];
  await Promise.all(
    groups.map((group) =>
      sendUntilProcessed(
        group,
        async (pending) => {
          const { Responses, UnprocessedKeys } = await dynamo().send(
            new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: consistent } } }),
          );
          items.push(...(Responses?.[tableName()] ?? []));
          return (UnprocessedKeys?.[tableName()]?.Keys ?? []) as Key[];
        },
        'batch reads',
      ),
    ),
  );
  return items;
}
