import { documentInputSchema, namespaceSchema } from '../../domain/knowledge/document.ts';
import { deleteKnowledgeDocument, getKnowledgeDocument, listKnowledgeDocuments } from '../../stores/knowledge-store.ts';
import { notFound } from '../api-error.ts';
import { idempotent } from '../idempotency.ts';
import { addKnowledgeDocument } from '../knowledge-upload.ts';
import { jsonResponse, noContent } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody, resourceIdParam, validate } from '../validation.ts';

const documentNotFound = () => notFound('Document');

const namespaceOf = (params: Record<string, string>) => validate(namespaceSchema, params.namespace, 'namespace');

const documentIdOf = (params: Record<string, string>) => resourceIdParam(params, 'documentId', 'Document');

async function uploadDocument({ request, caller, params }: RouteContext) {
  const namespace = namespaceOf(params);
  return addKnowledgeDocument(caller, namespace, parseJsonBody(request, documentInputSchema));
}

async function listDocuments({ caller, params }: RouteContext) {
  const documents = await listKnowledgeDocuments(caller.organisation.organisationId, namespaceOf(params));
  return jsonResponse(200, { documents });
}

async function showDocument({ caller, params }: RouteContext) {
  const namespace = namespaceOf(params);
  const document = await getKnowledgeDocument(caller.organisation.organisationId, namespace, documentIdOf(params));
  if (!document) throw documentNotFound();
  return jsonResponse(200, document);
}

async function removeDocument({ caller, params }: RouteContext) {
  const namespace = namespaceOf(params);
  const deleted = await deleteKnowledgeDocument(caller.organisation.organisationId, namespace, documentIdOf(params));
  if (!deleted) throw documentNotFound();
  return noContent();
}

export const knowledgeBaseRoutes: Route[] = [
  { method: 'POST', pattern: '/api/knowledge-base/:namespace/documents', handle: idempotent(uploadDocument) },
  { method: 'GET', pattern: '/api/knowledge-base/:namespace/documents', handle: listDocuments },
  { method: 'GET', pattern: '/api/knowledge-base/:namespace/documents/:documentId', handle: showDocument },
  { method: 'DELETE', pattern: '/api/knowledge-base/:namespace/documents/:documentId', handle: removeDocument },
];
