/**
 * The one place where retrieval meets storage and the embedding model; the AI routes and Nelson call it,
 * then hand the result to formatKnowledgeForPrompt.
 */
import { namespaceSchema } from '../domain/knowledge/document.ts';
import { defaultRetrievalLimit, type RetrievedChunk, rankChunks } from '../domain/knowledge/retrieval.ts';
import { loadKnowledgeChunks } from '../stores/knowledge-store.ts';
import { embedQuery } from './embeddings.ts';
import { modelId } from './models.ts';

export { formatKnowledgeForPrompt } from '../domain/knowledge/knowledge-prompt.ts';
export type { RetrievedChunk } from '../domain/knowledge/retrieval.ts';

const maxLimit = 50;

/** The chunks of the organisation's namespace most relevant to `query`, best first; [] when it is empty. */
export async function retrieveKnowledge(
  organisationId: string,
  namespace: string,
  query: string,
  limit = defaultRetrievalLimit,
): Promise<RetrievedChunk[]> {
  // Callers validate request input; this guards the key against a namespace that slipped through.
  namespaceSchema.parse(namespace);
  const boundedLimit = Math.max(0, Math.min(maxLimit, Math.floor(limit)));
  if (boundedLimit === 0 || query.trim() === '') return [];
  const chunks = await loadKnowledgeChunks(organisationId, namespace);
  if (chunks.length === 0) return [];
  // No Bedrock call when nothing could be compared with the query vector.
  const queryEmbedding = chunks.some((chunk) => chunk.embedding) ? await embedQuery(query) : undefined;
  const currentModel = queryEmbedding ? modelId('embeddings') : undefined;
  const candidates = chunks.map(({ embeddingModel, embedding, ...chunk }) =>
    embedding && embeddingModel === currentModel ? { ...chunk, embedding } : chunk,
  );
  return rankChunks(candidates, query, queryEmbedding, boundedLimit);
}
