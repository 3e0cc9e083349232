import { randomUUID } from 'node:crypto';
import { embedTexts } from '../../ai/embeddings.ts';
import { modelId } from '../../ai/models.ts';
import { chunkDocument, embeddingInput } from '../../domain/knowledge/chunking.ts';
import { documentInputSchema, type KnowledgeDocument, namespaceSchema } from '../../domain/knowledge/document.ts';
import { isoNow } from '../../runtime/clock.ts';
import {
  deleteKnowledgeDocument,
  getKnowledgeDocument,
  listKnowledgeDocuments,
  putKnowledgeDocument,
} from '../../stores/knowledge-store.ts';
import { notFound } from '../api-error.ts';
import { jsonResponse, noContent } from '../responses.ts';
import type { Route } from '../router.ts';
import { parseJsonBody, resourceIdParam, validate } from '../validation.ts';

const documentNotFound = () => notFound('Document');

const namespaceOf = (params: Record<string, string>) => validate(namespaceSchema, params.namespace, 'namespace');

const documentIdOf = (params: Record<string, string>) => resourceIdParam(params, 'documentId', 'Document');

export const knowledgeBaseRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/knowledge-base/:namespace/documents',
    async handle({ request, caller, params }) {
      const namespace = namespaceOf(params);
      const { title, content, source } = parseJsonBody(request, documentInputSchema);
      const chunks = chunkDocument(content);
      const embeddings = await embedTexts(chunks.map((chunk) => embeddingInput(title, chunk)));
      const document: KnowledgeDocument = {
        documentId: randomUUID(),
        namespace,
        title,
        ...(source ? { source } : {}),
        chunkCount: chunks.length,
        embedded: embeddings !== undefined,
        createdAt: isoNow(),
        content,
      };
      await putKnowledgeDocument(
        caller.organisation.organisationId,
        document,
        chunks.map((chunk, index) => ({ ...chunk, ...(embeddings?.[index] ? { embedding: embeddings[index] } : {}) })),
        embeddings ? modelId('embeddings') : undefined,
      );
      const { content: _content, ...metadata } = document;
      return jsonResponse(201, metadata);
    },
  },
  {
    method: 'GET',
    pattern: '/api/knowledge-base/:namespace/documents',
    async handle({ caller, params }) {
      const documents = await listKnowledgeDocuments(caller.organisation.organisationId, namespaceOf(params));
      return jsonResponse(200, { documents });
    },
  },
  {
    method: 'GET',
    pattern: '/api/knowledge-base/:namespace/documents/:documentId',
    async handle({ caller, params }) {
      const namespace = namespaceOf(params);
      const document = await getKnowledgeDocument(caller.organisation.organisationId, namespace, documentIdOf(params));
      if (!document) throw documentNotFound();
      return jsonResponse(200, document);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/knowledge-base/:namespace/documents/:documentId',
    async handle({ caller, params }) {
      const namespace = namespaceOf(params);
      const deleted = await deleteKnowledgeDocument(
        caller.organisation.organisationId,
        namespace,
        documentIdOf(params),
      );
      if (!deleted) throw documentNotFound();
      return noContent();
    },
  },
];
