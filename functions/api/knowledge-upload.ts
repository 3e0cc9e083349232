/**
 * Adding a knowledge-base document, with its checks in the order of their cost: the chunk count is known
 * from the text alone (413 above the per-document limit), the namespace's chunks are reserved with one
 * conditional update (409 when full), the embedding work is charged (402/429), and only then is the model
 * called and anything written. Every refusal leaves nothing stored and nothing charged; a failure after
 * the reservation gives the chunks (and the charge) back unless the document was stored after all.
 */
import { randomUUID } from 'node:crypto';
import { embedTexts } from '../ai/embeddings.ts';
import { modelId } from '../ai/models.ts';
import { recordUsage } from '../ai/record-usage.ts';
import { chunkDocument, embeddingInput, type TextChunk } from '../domain/knowledge/chunking.ts';
import { type DocumentInput, embeddingQuotaUnits, type KnowledgeDocument } from '../domain/knowledge/document.ts';
import { usageOfEmbedding } from '../domain/usage/model-usage.ts';
import { isoNow } from '../runtime/clock.ts';
import { environment } from '../runtime/environment.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { releaseNamespaceChunks, reserveNamespaceChunks } from '../stores/knowledge-namespace-store.ts';
import { knowledgeDocumentExists, putKnowledgeDocument } from '../stores/knowledge-store.ts';
import { ApiError } from './api-error.ts';
import type { Caller } from './authenticate.ts';
import type { ApiResponse } from './http-types.ts';
import { admitAiRequest, type QuotaCharge } from './quota-gate.ts';
import { jsonResponse } from './responses.ts';

export async function addKnowledgeDocument(
  caller: Caller,
  namespace: string,
  { title, content, source }: DocumentInput,
): Promise<ApiResponse> {
  const settings = environment();
  const { organisationId } = caller.organisation;
  const chunks = chunkDocument(content);
  if (chunks.length > settings.KB_MAX_CHUNKS_PER_DOCUMENT) {
    throw new ApiError(
      'payload_too_large',
      `The document would be cut into ${chunks.length} chunks; a document may have at most ${settings.KB_MAX_CHUNKS_PER_DOCUMENT}. Split it into smaller documents.`,
    );
  }
  const reservation = await reserveNamespaceChunks(
    organisationId,
    namespace,
    chunks.length,
    settings.KB_MAX_CHUNKS_PER_NAMESPACE,
  );
  if (!reservation.reserved) {
    throw new ApiError(
      'namespace_full',
      `The namespace "${namespace}" holds ${reservation.chunksInNamespace} of its ${settings.KB_MAX_CHUNKS_PER_NAMESPACE} chunks and this document needs ${chunks.length}. Delete documents or use another namespace.`,
    );
  }
  const documentId = randomUUID();
  let charge: QuotaCharge | undefined;
  try {
    const units = embeddingQuotaUnits(chunks.length, settings.KB_CHUNKS_PER_QUOTA_UNIT);
    charge = await admitAiRequest(caller.organisation, units);
    const embedded = await embedTexts(chunks.map((chunk) => embeddingInput(title, chunk)));
    const embeddings = embedded?.embeddings;
    // Stored for lexical retrieval all the same, but nothing was embedded, so nothing is owed.
    if (!embeddings) await charge.refund();
    const document: KnowledgeDocument = {
      documentId,
      namespace,
      title,
      ...(source ? { source } : {}),
      chunkCount: chunks.length,
      embedded: embeddings !== undefined,
      createdAt: isoNow(),
      content,
    };
    // The tokens are counted beside the document's write, not after it, so the answer does not wait for them.
    await Promise.all([
      putKnowledgeDocument(
        organisationId,
        document,
        withEmbeddings(chunks, embeddings),
        embeddings ? modelId('embeddings') : undefined,
      ),
      embedded && recordUsage(organisationId, 'embeddings', usageOfEmbedding(embedded.tokens)),
    ]);
    const { content: _content, ...metadata } = document;
    const quotaRemaining = charge.status.remaining + (embeddings ? 0 : units);
    return jsonResponse(201, metadata, { ...charge.headers, 'x-quota-remaining': String(quotaRemaining) });
  } catch (error) {
    await undoUpload(organisationId, namespace, documentId, chunks.length, charge);
    throw error;
  }
}

function withEmbeddings(chunks: TextChunk[], embeddings: number[][] | undefined) {
  return chunks.map((chunk, index) => {
    const embedding = embeddings?.[index];
    return embedding ? { ...chunk, embedding } : chunk;
  });
}

/**
 * A write whose response was lost may still have stored the document; then its chunks stay counted and
 * its charge stays. If this cleanup fails the counter over-counts, which can refuse an upload too early but
 * never lets a namespace exceed its limit.
 */
async function undoUpload(
  organisationId: string,
  namespace: string,
  documentId: string,
  chunkCount: number,
  charge: QuotaCharge | undefined,
): Promise<void> {
  try {
    if (await knowledgeDocumentExists(organisationId, namespace, documentId)) return;
    await releaseNamespaceChunks(organisationId, namespace, chunkCount);
    await charge?.refund();
  } catch (cleanupError) {
    logger.warn('Could not give back the chunks or charge of a failed upload', {
      error: safeErrorSummary(cleanupError),
      documentId,
    });
  }
}
