/**
 * Indexed retrieval on the local stack: documents uploaded over real HTTP (embedded by the local Bedrock
 * endpoint), retrieved in this process through the compact index the way a warm function does, with its
 * in-memory cache kept between calls.
 */

import { describe, expect, test } from '@jest/globals';
import { embedQuery } from '../../functions/ai/embeddings.ts';
import { modelId } from '../../functions/ai/models.ts';
import { retrieveKnowledgeByVector } from '../../functions/ai/retrieve-knowledge.ts';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { DeleteCommand, GetCommand, UpdateCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { openNamespaceIndex } from '../../functions/stores/knowledge-index-store.ts';
import { readNamespaceState } from '../../functions/stores/knowledge-namespace-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack();

async function upload(tenant: TestTenant, namespace: string, title: string, content: string): Promise<string> {
  const response = await fetch(`${local.stack.baseUrl}/api/knowledge-base/${namespace}/documents`, {
    method: 'POST',
    headers: { ...bearer(tenant), 'content-type': 'application/json' },
    body: JSON.stringify({ title, content }),
  });
  expect(response.status).toBe(201);
  return String(((await response.json()) as { documentId: string }).documentId);
}

async function remove(tenant: TestTenant, namespace: string, documentId: string) {
  const response = await fetch(`${local.stack.baseUrl}/api/knowledge-base/${namespace}/documents/${documentId}`, {
    method: 'DELETE',
    headers: bearer(tenant),
  });
  expect(response.status).toBe(204);
}

/** Retrieval through the index path, as a namespace above the size threshold gets it. */
async function retrieveIndexed(tenant: TestTenant, namespace: string, query: string) {
  const results = await retrieveKnowledgeByVector(
    tenant.organisationId,
    namespace,
    query,
    await embedQuery(query),
    10,
    'indexed',
  );
  return results.map((chunk) => chunk.documentId);
}

/** The index a warm function holds for the namespace now. */
async function currentIndex(tenant: TestTenant, namespace: string) {
  const { documentsVersion } = await readNamespaceState(tenant.organisationId, namespace);
  return openNamespaceIndex(tenant.organisationId, namespace, documentsVersion, modelId('embeddings'));
}

const indexedDocumentIds = async (tenant: TestTenant, namespace: string) =>
  new Set((await currentIndex(tenant, namespace))?.documents.map((document) => String(document.item.documentId)));

const margins = '# Margins\nGold resellers earn a 30% margin on every renewal of their customers.';
const marketplace = '# Marketplace\nPrivate offers on the cloud marketplace let vendors sell through hyperscalers.';

describe('indexed retrieval', () => {
  test('an upload is retrievable at once through the index, and a delete is gone at once from a warm index', async () => {
    const tenant = await createTenant();
    const kept = await upload(tenant, 'handbook', 'Reseller handbook', margins);
    expect(await retrieveIndexed(tenant, 'handbook', 'reseller margin renewal')).toEqual([kept]);
    const index = await currentIndex(tenant, 'handbook');
    expect(index?.index.size).toBe(1);
    expect(index?.index.semantic[0]).toBe(1);

    const added = await upload(tenant, 'handbook', 'Marketplace guide', marketplace);
    expect(await retrieveIndexed(tenant, 'handbook', 'private offers marketplace')).toContain(added);
    await remove(tenant, 'handbook', added);
    expect(await retrieveIndexed(tenant, 'handbook', 'private offers marketplace')).not.toContain(added);
    expect(await indexedDocumentIds(tenant, 'handbook')).toEqual(new Set([kept]));
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName(),
        Key: itemKeys.knowledgeIndex(tenant.organisationId, 'handbook', added),
      }),
    );
    expect(Item).toBeUndefined();
  });

  test('a new document version makes a warm index reload, keeping the documents it holds', async () => {
    const tenant = await createTenant();
    await upload(tenant, 'handbook', 'Reseller handbook', margins);
    await retrieveIndexed(tenant, 'handbook', 'margin');
    const before = await currentIndex(tenant, 'handbook');
    const added = await upload(tenant, 'handbook', 'Marketplace guide', marketplace);
    const after = await currentIndex(tenant, 'handbook');
    expect(after?.documentsVersion).toBeGreaterThan(before?.documentsVersion ?? Number.POSITIVE_INFINITY);
    expect(after?.index.size).toBe(2);
    // The held document's stored entries are reused, not read again.
    expect(after?.documents.find((document) => document.item.documentId !== added)?.entries).toBe(
      before?.documents[0]?.entries,
    );
    expect(await retrieveIndexed(tenant, 'handbook', 'hyperscalers')).toContain(added);
  });

  test('another organisation never sees an index of a namespace of the same name', async () => {
    const owner = await createTenant();
    const stranger = await createTenant();
    await upload(owner, 'shared-name', 'Reseller handbook', margins);
    await retrieveIndexed(owner, 'shared-name', 'margin');
    expect(await retrieveIndexed(stranger, 'shared-name', 'reseller margin')).toEqual([]);
    expect((await currentIndex(stranger, 'shared-name'))?.index.size).toBe(0);
  });

  test('documents stored before indexes existed are read whole beside the index candidates', async () => {
    const tenant = await createTenant();
    const old = await upload(tenant, 'legacy', 'Reseller handbook', margins);
    // What a document written before the index looks like: no index item, no mark on its document item.
    await dynamo().send(
      new DeleteCommand({ TableName: tableName(), Key: itemKeys.knowledgeIndex(tenant.organisationId, 'legacy', old) }),
    );
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.knowledgeDocument(tenant.organisationId, 'legacy', old),
        UpdateExpression: 'REMOVE hasRetrievalIndex',
      }),
    );
    const added = await upload(tenant, 'legacy', 'Marketplace guide', marketplace);
    const index = await currentIndex(tenant, 'legacy');
    expect(index?.unindexedDocuments.map((document) => document.documentId)).toEqual([old]);
    expect(index?.documents.map((document) => document.item.documentId)).toEqual([added]);
    expect(await retrieveIndexed(tenant, 'legacy', 'reseller margin renewal')).toContain(old);
    expect(await retrieveIndexed(tenant, 'legacy', 'private offers marketplace')).toContain(added);
  });

  test('concurrent uploads to one namespace are all committed and indexed', async () => {
    const tenant = await createTenant();
    const topics = ['margins', 'marketplace', 'referrals', 'co-selling', 'certification', 'rebates'];
    const uploaded = await Promise.all(
      topics.map((topic) => upload(tenant, 'busy', `Guide to ${topic}`, `# ${topic}\nHow ${topic} work for partners.`)),
    );
    expect(await indexedDocumentIds(tenant, 'busy')).toEqual(new Set(uploaded));
    const state = await readNamespaceState(tenant.organisationId, 'busy');
    expect(state.documentsVersion).toBeGreaterThanOrEqual(topics.length);
    expect(await retrieveIndexed(tenant, 'busy', 'certification')).toContain(uploaded[4]);
  });
});
