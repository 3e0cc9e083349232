/**
 * The knowledge base's bounds over real HTTP on the local stack, with small limits: chunks per document
 * (413), chunks per namespace under concurrent uploads (409), and the embedding charge (402/429, refund when
 * the model is unavailable). Embedding calls are counted where they arrive, at the local Bedrock endpoint.
 */

import { describe, expect, test } from '@jest/globals';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { GetCommand, QueryCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const maxChunksPerDocument = 6;
const maxChunksPerNamespace = 10;
const chunksPerQuotaUnit = 2;
const local = useLocalStack({
  environment: {
    KB_MAX_CHUNKS_PER_DOCUMENT: String(maxChunksPerDocument),
    KB_MAX_CHUNKS_PER_NAMESPACE: String(maxChunksPerNamespace),
    KB_CHUNKS_PER_QUOTA_UNIT: String(chunksPerQuotaUnit),
  },
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${local.stack.baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const upload = (tenant: TestTenant, body: unknown, namespace = 'docs') =>
  call(`/api/knowledge-base/${namespace}/documents`, {
    method: 'POST',
    headers: { ...bearer(tenant), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const remove = (tenant: TestTenant, documentId: string, namespace = 'docs') =>
  call(`/api/knowledge-base/${namespace}/documents/${documentId}`, { method: 'DELETE', headers: bearer(tenant) });

/** Sections long enough to stand alone and short enough to share no chunk: one chunk each. */
function documentOfChunks(chunks: number, label = 'Guide') {
  const sections = Array.from(
    { length: chunks },
    (_, n) => `# ${label} part ${n}\n${`Partner programme rule ${n} for ${label}. `.repeat(12)}`,
  );
  return { title: label, content: sections.join('\n\n') };
}

const embeddingCalls = () =>
  local.stack.localBedrock?.requests.filter((request) => request.operation === 'invoke').length ?? 0;

/** Counts the embedding calls made while `action` runs (the tests of a file run one at a time). */
async function withEmbeddingCalls<T>(action: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = embeddingCalls();
  const result = await action();
  return { result, calls: embeddingCalls() - before };
}

async function storedChunks(tenant: TestTenant, namespace = 'docs') {
  const { pk } = itemKeys.knowledgeNamespace(tenant.organisationId, namespace);
  const page = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'CHUNK#' },
      Select: 'COUNT',
      ConsistentRead: true,
    }),
  );
  return page.Count ?? 0;
}

async function namespaceCounter(tenant: TestTenant, namespace = 'docs') {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: itemKeys.knowledgeNamespaceUsage(tenant.organisationId, namespace),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.chunkCount ?? 0);
}

async function quotaUsed(tenant: TestTenant) {
  const { body } = await call('/api/organisation', { headers: bearer(tenant) });
  return (body.quota as { used: number }).used;
}

function expectError(answer: Answer, status: number, code: string) {
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
  expect(typeof answer.body.error).toBe('string');
}

describe('chunks per document', () => {
  test('a document above the limit is 413 before any model call and stores nothing', async () => {
    const tenant = await createTenant();
    const { result, calls } = await withEmbeddingCalls(() =>
      upload(tenant, documentOfChunks(maxChunksPerDocument + 1)),
    );
    expectError(result, 413, 'payload_too_large');
    expect(result.body.error).toContain(`at most ${maxChunksPerDocument}`);
    expect(calls).toBe(0);
    expect(await storedChunks(tenant)).toBe(0);
    expect(await namespaceCounter(tenant)).toBe(0);
    expect(await quotaUsed(tenant)).toBe(0);

    const fits = await withEmbeddingCalls(() => upload(tenant, documentOfChunks(maxChunksPerDocument)));
    expect(fits.result.status).toBe(201);
    expect(fits.result.body.chunkCount).toBe(maxChunksPerDocument);
    expect(fits.calls).toBe(maxChunksPerDocument);
  });
});

describe('chunks per namespace', () => {
  test('concurrent uploads: exactly those that fit succeed, the rest 409; the counter equals the stored chunks', async () => {
    const tenant = await createTenant();
    const chunksEach = 3;
    const { result: answers, calls } = await withEmbeddingCalls(() =>
      Promise.all(Array.from({ length: 8 }, (_, n) => upload(tenant, documentOfChunks(chunksEach, `Doc ${n}`)))),
    );
    const created = answers.filter((answer) => answer.status === 201);
    const fitting = Math.floor(maxChunksPerNamespace / chunksEach);
    expect(created).toHaveLength(fitting);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expectError(refused, 409, 'namespace_full');
    }
    // Refused uploads embedded nothing and were not charged.
    expect(calls).toBe(fitting * chunksEach);
    expect(await quotaUsed(tenant)).toBe(fitting * Math.ceil(chunksEach / chunksPerQuotaUnit));
    expect(await storedChunks(tenant)).toBe(fitting * chunksEach);
    expect(await namespaceCounter(tenant)).toBe(fitting * chunksEach);

    // Another namespace has its own count.
    expect((await upload(tenant, documentOfChunks(chunksEach), 'other')).status).toBe(201);

    // Concurrent deletes of one document free its chunks once; a repeated delete frees nothing.
    const documentId = String(created[0]?.body.documentId);
    const deletes = await Promise.all([remove(tenant, documentId), remove(tenant, documentId)]);
    expect(deletes.some((answer) => answer.status === 204)).toBe(true);
    for (const answer of deletes) expect([204, 404]).toContain(answer.status);
    expectError(await remove(tenant, documentId), 404, 'not_found');
    expect(await namespaceCounter(tenant)).toBe((fitting - 1) * chunksEach);
    expect(await storedChunks(tenant)).toBe((fitting - 1) * chunksEach);

    // The freed chunks take a new document; then the namespace is full again.
    expect((await upload(tenant, documentOfChunks(chunksEach))).status).toBe(201);
    const full = await withEmbeddingCalls(() => upload(tenant, documentOfChunks(chunksEach)));
    expectError(full.result, 409, 'namespace_full');
    expect(full.calls).toBe(0);
    expect(await namespaceCounter(tenant)).toBe(await storedChunks(tenant));
  });
});

describe('embedding charge', () => {
  test('one unit per started block of chunks, with the charge headers on 201', async () => {
    const tenant = await createTenant({ monthlyQuota: 50, aiRequestsPerMinute: 30 });
    const answer = await upload(tenant, documentOfChunks(3));
    expect(answer.status).toBe(201);
    const units = Math.ceil(3 / chunksPerQuotaUnit);
    expect(await quotaUsed(tenant)).toBe(units);
    expect(answer.headers.get('x-quota-remaining')).toBe(String(50 - units));
    expect(answer.headers.get('x-ratelimit-limit')).toBe('30');
    expect(answer.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(answer.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  test('without quota: 402 before any model call, nothing stored, the namespace reservation given back', async () => {
    const tenant = await createTenant({ monthlyQuota: 1 });
    const { result, calls } = await withEmbeddingCalls(() => upload(tenant, documentOfChunks(3)));
    expectError(result, 402, 'quota_exceeded');
    expect(calls).toBe(0);
    expect(await storedChunks(tenant)).toBe(0);
    expect(await namespaceCounter(tenant)).toBe(0);
    expect(await quotaUsed(tenant)).toBe(0);
  });

  test('over the rate limit: 429 before any model call, nothing stored, the reservation given back', async () => {
    const tenant = await createTenant({ monthlyQuota: 100, aiRequestsPerMinute: 2 });
    // Late in a minute the burst could straddle two windows and be admitted twice over.
    const secondsIntoMinute = new Date().getUTCSeconds();
    if (secondsIntoMinute >= 50) await new Promise((resolve) => setTimeout(resolve, (61 - secondsIntoMinute) * 1000));
    const { result: answers, calls } = await withEmbeddingCalls(() =>
      Promise.all(Array.from({ length: 5 }, (_, n) => upload(tenant, documentOfChunks(1, `Rated ${n}`)))),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(2);
    const limited = answers.filter((answer) => answer.status !== 201);
    for (const answer of limited) {
      expectError(answer, 429, 'rate_limited');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(calls).toBe(2);
    expect(await storedChunks(tenant)).toBe(2);
    expect(await namespaceCounter(tenant)).toBe(2);
  }, 30_000);

  test('with the embedding model unavailable the document is stored unembedded and the units refunded', async () => {
    const tenant = await createTenant({ monthlyQuota: 10 });
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1, operations: ['invoke'] });
    const answer = await upload(tenant, documentOfChunks(1));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ embedded: false, chunkCount: 1 });
    expect(await quotaUsed(tenant)).toBe(0);
    expect(answer.headers.get('x-quota-remaining')).toBe('10');
    expect(await namespaceCounter(tenant)).toBe(1);
  });

  test('invalid, unauthenticated and unknown-document requests make no model call', async () => {
    const tenant = await createTenant();
    const { calls } = await withEmbeddingCalls(async () => {
      expectError(await upload(tenant, { title: '', content: 'x' }), 400, 'invalid_request');
      const unauthenticated = await call('/api/knowledge-base/docs/documents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(documentOfChunks(1)),
      });
      expectError(unauthenticated, 401, 'unauthorized');
      expectError(await remove(tenant, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    });
    expect(calls).toBe(0);
    expect(await namespaceCounter(tenant)).toBe(0);
  });
});
