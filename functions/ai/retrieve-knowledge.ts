/**
 * The one place where retrieval meets storage and the embedding model; the AI routes and Nelson call it,
 * then hand the result to formatKnowledgeForPrompt.
 *
 * Two paths with the same ranking (rankChunks): a small namespace is read whole and ranked exactly; from
 * `indexedRetrievalMinChunks` on, the namespace's compact index (held in memory while the function is warm)
 * chooses a few candidates and only those chunks are read and ranked, so a query's reads do not grow with
 * the namespace (docs/knowledge-base.md, "Retrieval at scale").
 */
import { lexicalCandidates, semanticCandidates } from '../domain/knowledge/compact-index.ts';
import { namespaceSchema } from '../domain/knowledge/document.ts';
import { tokenize } from '../domain/knowledge/lexical-scoring.ts';
import { defaultRetrievalLimit, type RetrievedChunk, rankChunks } from '../domain/knowledge/retrieval.ts';
import {
  type NamespaceIndex,
  openNamespaceIndex,
  readIndexedChunks,
  readUnindexedChunks,
} from '../stores/knowledge-index-store.ts';
import { readNamespaceState } from '../stores/knowledge-namespace-store.ts';
import { loadKnowledgeChunks, type StoredChunk } from '../stores/knowledge-store.ts';
import { embedQuery } from './embeddings.ts';
import { modelId } from './models.ts';

export { formatKnowledgeForPrompt } from '../domain/knowledge/knowledge-prompt.ts';
export type { RetrievedChunk } from '../domain/knowledge/retrieval.ts';

const maxLimit = 50;
/** Below this many chunks reading the whole namespace costs about what the candidates cost (bench/retrieval.ts). */
export const indexedRetrievalMinChunks = 250;
/**
 * Chunks read and ranked exactly: 50 by vector gave recall@10 ≥ 0.95 against exact float search on 50,000
 * clustered chunks (bench/retrieval.ts); 20 more by words keep exact-term matches in the BM25 half.
 */
const semanticCandidateCount = 50;
const lexicalCandidateCount = 20;

/** `auto` chooses by the namespace's chunk count; the benchmark forces either path to compare them. */
export type RetrievalPath = 'auto' | 'exact' | 'indexed';

type OpenedNamespace = { path: 'exact'; chunks: StoredChunk[] } | { path: 'indexed'; namespaceIndex: NamespaceIndex };

/** The chunks of the organisation's namespace most relevant to `query`, best first; [] when it is empty. */
export function retrieveKnowledge(
  organisationId: string,
  namespace: string,
  query: string,
  limit = defaultRetrievalLimit,
): Promise<RetrievedChunk[]> {
  // No Bedrock call when nothing could be compared with the query vector.
  return retrieve(organisationId, namespace, query, limit, 'auto', async (opened) =>
    hasEmbeddings(opened) ? embedQuery(query) : undefined,
  );
}

/** Retrieval with the query's vector already computed: what the benchmark times, without the embedding call. */
export function retrieveKnowledgeByVector(
  organisationId: string,
  namespace: string,
  query: string,
  queryEmbedding: number[] | undefined,
  limit = defaultRetrievalLimit,
  path: RetrievalPath = 'auto',
): Promise<RetrievedChunk[]> {
  return retrieve(organisationId, namespace, query, limit, path, async () => queryEmbedding);
}

async function retrieve(
  organisationId: string,
  namespace: string,
  query: string,
  limit: number,
  path: RetrievalPath,
  queryVector: (opened: OpenedNamespace) => Promise<number[] | undefined>,
): Promise<RetrievedChunk[]> {
  const boundedLimit = boundLimit(namespace, limit);
  if (boundedLimit === 0 || query.trim() === '') return [];
  const opened = await openNamespace(organisationId, namespace, path);
  if (isEmpty(opened)) return [];
  return rank(organisationId, namespace, opened, query, await queryVector(opened), boundedLimit);
}

function boundLimit(namespace: string, limit: number): number {
  // Callers validate request input; this guards the key against a namespace that slipped through.
  namespaceSchema.parse(namespace);
  return Math.max(0, Math.min(maxLimit, Math.floor(limit)));
}

async function openNamespace(organisationId: string, namespace: string, path: RetrievalPath): Promise<OpenedNamespace> {
  if (path !== 'exact') {
    const state = await readNamespaceState(organisationId, namespace);
    if (path === 'indexed' || state.chunkCount >= indexedRetrievalMinChunks) {
      const namespaceIndex = await openNamespaceIndex(
        organisationId,
        namespace,
        state.documentsVersion,
        modelId('embeddings'),
      );
      return { path: 'indexed', namespaceIndex };
    }
  }
  return { path: 'exact', chunks: await loadKnowledgeChunks(organisationId, namespace) };
}

const isEmpty = (opened: OpenedNamespace) =>
  opened.path === 'exact'
    ? opened.chunks.length === 0
    : opened.namespaceIndex.index.size === 0 && opened.namespaceIndex.unindexedDocuments.length === 0;

const hasEmbeddings = (opened: OpenedNamespace) =>
  opened.path === 'exact'
    ? opened.chunks.some((chunk) => chunk.embedding)
    : opened.namespaceIndex.index.semantic.includes(1) ||
      opened.namespaceIndex.unindexedDocuments.some((document) => document.embedded === true);

async function rank(
  organisationId: string,
  namespace: string,
  opened: OpenedNamespace,
  query: string,
  queryEmbedding: number[] | undefined,
  limit: number,
): Promise<RetrievedChunk[]> {
  const chunks =
    opened.path === 'exact'
      ? opened.chunks
      : await candidates(organisationId, namespace, opened, query, queryEmbedding);
  const currentModel = queryEmbedding ? modelId('embeddings') : undefined;
  const comparable = chunks.map(({ embeddingModel, embedding, ...chunk }) =>
    embedding && embeddingModel === currentModel ? { ...chunk, embedding } : chunk,
  );
  return rankChunks(comparable, query, queryEmbedding, limit);
}

/**
 * The best entries by vector and by (estimated) term weight, read from the table, and every chunk of the
 * documents stored before indexes existed.
 */
async function candidates(
  organisationId: string,
  namespace: string,
  { namespaceIndex }: Extract<OpenedNamespace, { path: 'indexed' }>,
  query: string,
  queryEmbedding: number[] | undefined,
): Promise<StoredChunk[]> {
  const { index } = namespaceIndex;
  const positions = new Set([
    ...(queryEmbedding ? semanticCandidates(index, queryEmbedding, semanticCandidateCount) : []),
    ...lexicalCandidates(index, tokenize(query), lexicalCandidateCount),
  ]);
  const [indexed, unindexed] = await Promise.all([
    readIndexedChunks(organisationId, namespace, namespaceIndex, [...positions]),
    readUnindexedChunks(organisationId, namespace, namespaceIndex),
  ]);
  return [...indexed, ...unindexed];
}
