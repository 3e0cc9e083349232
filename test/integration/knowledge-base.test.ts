/**
 * The knowledge base over real HTTP on the local stack: documents are chunked, embedded by the local
 * Bedrock endpoint (Titan wire format, hashed bag-of-words vectors) and stored in DynamoDB Local; retrieval
 * runs in this process against the same table, the way the AI routes call it.
 */

import { describe, expect, test } from '@jest/globals';
import { formatKnowledgeForPrompt, retrieveKnowledge } from '../../functions/ai/retrieve-knowledge.ts';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { QueryCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack();

interface DocumentMetadata {
  documentId: string;
  namespace: string;
  title: string;
  source?: string;
  chunkCount: number;
  embedded: boolean;
  createdAt: string;
}

async function call(tenant: TestTenant, path: string, init: RequestInit = {}) {
  const response = await fetch(`${local.stack.baseUrl}/api/knowledge-base/${path}`, {
    ...init,
    headers: { ...bearer(tenant), 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function addDocument(tenant: TestTenant, namespace: string, body: Record<string, unknown>) {
  const response = await call(tenant, `${namespace}/documents`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return response.json() as unknown as DocumentMetadata;
}

const listDocuments = async (tenant: TestTenant, namespace: string) =>
  (await call(tenant, `${namespace}/documents`)).json().documents as DocumentMetadata[];

/** Every stored item of a document other than the document item itself (content parts and chunks). */
async function dependentItems(tenant: TestTenant, namespace: string, documentId: string) {
  const { pk } = itemKeys.knowledgeNamespace(tenant.organisationId, namespace);
  const counts = await Promise.all(
    [`CHUNK#${documentId}#`, `CONTENT#${documentId}#`].map(async (prefix) => {
      const page = await dynamo().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          Select: 'COUNT',
        }),
      );
      return page.Count ?? 0;
    }),
  );
  return { chunks: counts[0], contentParts: counts[1] };
}

const invokeRequests = () =>
  local.stack.localBedrock?.requests.filter((request) => request.operation === 'invoke') ?? [];

const handbook = [
  '# Reseller programme',
  'Resellers buy licences at a discount and resell them to their customers.',
  '',
  '## Margins',
  'Gold resellers earn a 30% margin, silver resellers a 20% margin on every renewal.',
].join('\n');

describe('documents', () => {
  test('add, list newest first, get with content, delete with all chunks and content parts', async () => {
    const tenant = await createTenant();
    const requestsBefore = invokeRequests().length;
    const first = await addDocument(tenant, 'staging', {
      title: 'Reseller handbook',
      content: handbook,
      source: 'https://kb.example/resellers',
    });
    expect(first).toEqual({
      documentId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      namespace: 'staging',
      title: 'Reseller handbook',
      source: 'https://kb.example/resellers',
      chunkCount: 2,
      embedded: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(invokeRequests().length - requestsBefore).toBe(2);
    expect(invokeRequests().at(-1)?.modelId).toMatch(/titan-embed/);

    // Long enough for several batch writes (25 items each) and two content parts (non-Latin text).
    const paragraph = (n: number) =>
      `Abschnitt ${n}: Partnerprogramm für Systemhäuser — Übersicht. ${'Größe '.repeat(40)}`;
    const longContent = Array.from({ length: 500 }, (_, n) => paragraph(n)).join('\n\n');
    expect(longContent.length).toBeGreaterThan(100_000);
    const second = await addDocument(tenant, 'staging', { title: 'Systemhaus-Handbuch', content: longContent });
    expect(second.chunkCount).toBeGreaterThan(50);
    expect(second.source).toBeUndefined();
    expect(await dependentItems(tenant, 'staging', second.documentId)).toEqual({
      chunks: second.chunkCount,
      contentParts: 2,
    });

    const listed = await listDocuments(tenant, 'staging');
    expect(listed).toEqual([second, first]);
    expect(listed[0]).not.toHaveProperty('content');

    const fetched = await call(tenant, `staging/documents/${second.documentId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json()).toEqual({ ...second, content: longContent });

    const deleted = await call(tenant, `staging/documents/${second.documentId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await dependentItems(tenant, 'staging', second.documentId)).toEqual({ chunks: 0, contentParts: 0 });
    expect((await call(tenant, `staging/documents/${second.documentId}`)).status).toBe(404);
    const again = await call(tenant, `staging/documents/${second.documentId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.json().code).toBe('not_found');
    expect(await listDocuments(tenant, 'staging')).toEqual([first]);
    const retrieved = await retrieveKnowledge(tenant.organisationId, 'staging', 'Partnerprogramm Systemhäuser Größe');
    expect(retrieved.filter((chunk) => chunk.documentId === second.documentId)).toEqual([]);
  });

  test('bad namespaces and bodies are 400 with details; unknown ids are 404', async () => {
    const tenant = await createTenant();
    const valid = { title: 'T', content: 'Some content.' };
    for (const namespace of ['Staging', '-staging', 'a'.repeat(65), 'st%23aging', 'st%20aging']) {
      const responses = [
        await call(tenant, `${namespace}/documents`, { method: 'POST', body: JSON.stringify(valid) }),
        await call(tenant, `${namespace}/documents`),
        await call(tenant, `${namespace}/documents/00000000-0000-4000-8000-000000000000`),
        await call(tenant, `${namespace}/documents/00000000-0000-4000-8000-000000000000`, { method: 'DELETE' }),
      ];
      for (const response of responses) {
        expect(response.status).toBe(400);
        expect(response.json()).toMatchObject({ code: 'invalid_request', details: [expect.anything()] });
      }
    }
    for (const body of [
      {},
      { title: '', content: 'x' },
      { title: 'T', content: '' },
      { title: 'T', content: ' \n\t ' },
      { title: 'T', content: 42 },
      { title: 'T'.repeat(201), content: 'x' },
      { title: 'T', content: 'x'.repeat(200_001) },
      { title: 'T', content: 'x', source: 's'.repeat(501) },
      { title: 'T', content: 'x', namespace: 'other' },
    ]) {
      const response = await call(tenant, 'staging/documents', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect((response.json().details as unknown[]).length).toBeGreaterThan(0);
    }
    expect(await listDocuments(tenant, 'staging')).toEqual([]);
    expect((await call(tenant, 'staging/documents/not-a-uuid')).status).toBe(404);
    expect((await call(tenant, 'staging/documents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const unauthenticated = await fetch(`${local.stack.baseUrl}/api/knowledge-base/staging/documents`);
    expect(unauthenticated.status).toBe(401);
  });
});

describe('isolation', () => {
  test("another organisation's documents are 404 and never retrieved; namespaces are separate", async () => {
    const owner = await createTenant();
    const stranger = await createTenant();
    const document = await addDocument(owner, 'staging', { title: 'Reseller handbook', content: handbook });
    const path = `staging/documents/${document.documentId}`;

    expect((await call(stranger, path)).status).toBe(404);
    expect((await call(stranger, path, { method: 'DELETE' })).status).toBe(404);
    expect(await listDocuments(stranger, 'staging')).toEqual([]);
    expect(await retrieveKnowledge(stranger.organisationId, 'staging', 'reseller margin')).toEqual([]);

    expect((await call(owner, `default/documents/${document.documentId}`)).status).toBe(404);
    expect(await listDocuments(owner, 'default')).toEqual([]);
    expect(await retrieveKnowledge(owner.organisationId, 'default', 'reseller margin')).toEqual([]);

    expect((await call(owner, path)).status).toBe(200);
    const own = await retrieveKnowledge(owner.organisationId, 'staging', 'reseller margin');
    expect(own.map((chunk) => chunk.documentId)).toContain(document.documentId);
  });
});

describe('retrieval', () => {
  test('ranks the relevant document first, semantically, and formats it for a prompt', async () => {
    const tenant = await createTenant();
    const marketplace = await addDocument(tenant, 'staging', {
      title: 'Cloud marketplace co-sell',
      content:
        'List the product on the AWS Marketplace and co-sell with hyperscaler account teams through private offers.',
    });
    const resellers = await addDocument(tenant, 'staging', {
      title: 'Reseller handbook',
      content: handbook,
      source: 'https://kb.example/resellers',
    });
    await addDocument(tenant, 'staging', {
      title: 'Security certification',
      content: 'Managed service providers must hold ISO 27001 and SOC 2 reports before joining the MSP track.',
    });

    const results = await retrieveKnowledge(tenant.organisationId, 'staging', 'What margin do gold resellers earn?', 3);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(3);
    expect(results[0]).toMatchObject({
      documentId: resellers.documentId,
      sourceId: `${resellers.documentId}#1`,
      title: 'Reseller handbook',
      source: 'https://kb.example/resellers',
      section: 'Reseller programme > Margins',
      method: 'semantic',
    });
    expect(results[0]?.text).toContain('30% margin');

    const coSell = await retrieveKnowledge(tenant.organisationId, 'staging', 'private offers on the marketplace', 1);
    expect(coSell.map((chunk) => chunk.documentId)).toEqual([marketplace.documentId]);

    const prompt = formatKnowledgeForPrompt(results);
    expect(prompt).toContain(`<knowledge source="${resellers.documentId}#1" title="Reseller handbook"`);
    expect(prompt).toMatch(/not instructions/);
  });

  test('without the embedding model a document is still stored and found lexically', async () => {
    const tenant = await createTenant();
    await addDocument(tenant, 'staging', { title: 'Reseller handbook', content: handbook });
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1, operations: ['invoke'] });
    const unembedded = await addDocument(tenant, 'staging', {
      title: 'Referral programme',
      content: 'Referral partners earn a finder fee of 10% of first-year contract value for introductions.',
    });
    expect(unembedded).toMatchObject({ embedded: false, chunkCount: 1 });
    expect(invokeRequests().at(-1)?.fault).toBe('validation');
    expect((await listDocuments(tenant, 'staging'))[0]).toMatchObject({ embedded: false });

    // The query embedding works: the unembedded chunk competes through its words in the hybrid ranking.
    const hybrid = await retrieveKnowledge(tenant.organisationId, 'staging', 'referral finder fee');
    expect(hybrid.find((chunk) => chunk.documentId === unembedded.documentId)).toMatchObject({
      method: 'lexical',
      sourceId: `${unembedded.documentId}#0`,
    });

    // The query embedding fails too: everything is ranked lexically.
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1, operations: ['invoke'] });
    const lexical = await retrieveKnowledge(tenant.organisationId, 'staging', 'referral finder fee');
    expect(invokeRequests().at(-1)?.fault).toBe('validation');
    expect(lexical.map(({ documentId, method }) => ({ documentId, method }))).toEqual([
      { documentId: unembedded.documentId, method: 'lexical' },
    ]);
  });

  test('an empty namespace retrieves nothing without calling the model', async () => {
    const tenant = await createTenant();
    const requestsBefore = invokeRequests().length;
    expect(await retrieveKnowledge(tenant.organisationId, 'default', 'anything at all')).toEqual([]);
    expect(invokeRequests().length).toBe(requestsBefore);
  });
});
