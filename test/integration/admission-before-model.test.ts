/**
 * A refused request never reaches the model: every 400, 401, 402, 404, 422 and 429 answer of an AI endpoint
 * leaves the local Bedrock endpoint without a single model or embedding call. Counted at the endpoint itself,
 * which records every request it receives, so a call started and then cancelled is counted too.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { getStrategy, saveStrategy } from '../../functions/stores/strategy-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { startOfAFreshWindowIfLate } from '../support/rate-window.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack();

const modelRequests = () => local.stack.localBedrock?.requests ?? [];

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${local.stack.baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, code: safeCode(text), text };
}

function safeCode(text: string): unknown {
  try {
    return (JSON.parse(text) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

let companies = 0;
const freshCompany = () => `admission-${Date.now().toString(36)}-${companies++}.example`;

const chatBody = (text: string) => ({
  id: 'chat-1',
  trigger: 'submit-message',
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
});

/**
 * One valid request per endpoint that calls a model: each would call the language model (and, with documents,
 * the embedding model), or for an upload the embedding model.
 */
function aiRequests(icp: unknown) {
  return {
    'POST /api/ai/icp': () => ['/api/ai/icp', { company: freshCompany() }] as const,
    'POST /api/ai/ipp': () => ['/api/ai/ipp', { icp }] as const,
    'POST /api/ai/strategy/partner-types': () => ['/api/ai/strategy/partner-types', {}] as const,
    'POST /api/ai/partner-suggestions': () =>
      [
        '/api/ai/partner-suggestions',
        { companyName: 'Initech', industry: 'Logistics', painPoints: ['routing'] },
      ] as const,
    'POST /api/ai/chat': () => ['/api/ai/chat', chatBody('Which partners are active?')] as const,
    'POST /api/ai/strategy/executive-summary/generate': () =>
      [
        '/api/ai/strategy/executive-summary/generate',
        { orgName: 'Acme', domain: 'acme.example', reportType: 'executive-summary' },
      ] as const,
    'POST /api/knowledge-base/{namespace}/documents': () =>
      [
        '/api/knowledge-base/default/documents',
        { title: 'Notes', content: '# Partners\n\nResellers in EMEA.' },
      ] as const,
  };
}

/**
 * A tenant ready for every AI endpoint: a knowledge document with embeddings (so retrieval would embed its
 * query) and a saved ICP and IPP (so partner types gets past its 422).
 */
async function preparedTenant(limits: { monthlyQuota?: number; aiRequestsPerMinute?: number }) {
  const tenant = await createTenant(limits);
  const upload = await post(
    '/api/knowledge-base/default/documents',
    { title: 'Playbook', content: '# Channel\n\nSystems integrators win logistics deals.' },
    bearer(tenant),
  );
  expect(upload.status).toBe(201);
  return tenant;
}

/** Saves a generated ICP and IPP as the tenant's strategy without using its quota or rate window. */
async function copyStrategy(from: TestTenant, to: TestTenant) {
  for (const kind of ['icp', 'ipp'] as const) {
    const saved = await getStrategy(from.organisationId, kind);
    if (!saved) throw new Error(`The source tenant has no ${kind}`);
    await saveStrategy(to.organisationId, kind, saved);
  }
}

/** Asks for ICPs until the tenant is refused with `status`: the setup's own model calls happen before counting. */
async function useUpAdmission(tenant: TestTenant, status: number) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await post('/api/ai/icp', { company: freshCompany() }, bearer(tenant));
    if (response.status === status) return;
    expect(response.status).toBe(200);
  }
  throw new Error(`The tenant was never refused with ${status}`);
}

/** Sends one refused request and checks its answer and that the model endpoint received nothing meanwhile. */
async function expectRefusedWithoutModelCall(
  send: () => Promise<{ status: number; code: unknown; text: string }>,
  status: number,
  code: string,
) {
  const before = modelRequests().length;
  const response = await send();
  expect({ status: response.status, code: response.code }).toEqual({ status, code });
  expect(modelRequests().slice(before)).toEqual([]);
}

let richTenant: TestTenant;
let icp: unknown;

beforeAll(async () => {
  richTenant = await preparedTenant({});
  const generated = await post('/api/ai/icp', { company: 'Acme Analytics' }, bearer(richTenant));
  icp = icpResultSchema.parse(JSON.parse(generated.text));
  expect((await post('/api/ai/ipp', { icp }, bearer(richTenant))).status).toBe(200);
});

describe('refused before any model call', () => {
  test('400: invalid bodies on every AI endpoint', async () => {
    for (const [name, request] of Object.entries(aiRequests(icp))) {
      const [path] = request();
      await expectRefusedWithoutModelCall(
        () => post(path, { unexpected: name }, bearer(richTenant)),
        400,
        'invalid_request',
      );
    }
    await expectRefusedWithoutModelCall(
      () => post('/api/ai/ipp', { icp: { ...(icp as object), industry: 'x'.repeat(30_000) } }, bearer(richTenant)),
      400,
      'invalid_request',
    );
  });

  test('401: every AI endpoint without a valid key', async () => {
    for (const request of Object.values(aiRequests(icp))) {
      const [path, body] = request();
      await expectRefusedWithoutModelCall(
        () => post(path, body, { authorization: 'Bearer nope' }),
        401,
        'unauthorized',
      );
    }
  });

  test("404: another organisation's or a missing report, and an unknown AI route", async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expectRefusedWithoutModelCall(
      () => call(`/api/reports/${missing}`, { headers: bearer(richTenant) }),
      404,
      'not_found',
    );
    await expectRefusedWithoutModelCall(
      () => call(`/api/ai/strategy/executive-summary/stream?reportId=${missing}`, { headers: bearer(richTenant) }),
      404,
      'not_found',
    );
    await expectRefusedWithoutModelCall(() => post('/api/ai/unknown', {}, bearer(richTenant)), 404, 'not_found');
  });

  test('422: partner types without a strategy', async () => {
    const tenant = await preparedTenant({});
    await expectRefusedWithoutModelCall(
      () => post('/api/ai/strategy/partner-types', {}, bearer(tenant)),
      422,
      'strategy_missing',
    );
  });

  /** A prepared tenant with the strategy, refused with `status` by every endpoint that calls a model. */
  async function expectEveryEndpointRefused(tenant: TestTenant, status: number, code: string) {
    await copyStrategy(richTenant, tenant);
    await useUpAdmission(tenant, status);
    for (const request of Object.values(aiRequests(icp))) {
      const [path, body] = request();
      await expectRefusedWithoutModelCall(() => post(path, body, bearer(tenant)), status, code);
    }
  }

  test('402: every AI endpoint once the monthly quota is used up', async () => {
    await expectEveryEndpointRefused(await preparedTenant({ monthlyQuota: 5 }), 402, 'quota_exceeded');
  });

  test('429: every AI endpoint once the minute’s requests are used up', async () => {
    await startOfAFreshWindowIfLate(45);
    await expectEveryEndpointRefused(await preparedTenant({ aiRequestsPerMinute: 2 }), 429, 'rate_limited');
  });

  test('an admitted request after the refusals is the only one the model endpoint sees', async () => {
    // A model call that a refusal started and cancelled could still arrive late; this one goes after them all.
    const before = modelRequests().length;
    const company = freshCompany();
    expect((await post('/api/ai/icp', { company }, bearer(richTenant))).status).toBe(200);
    const seen = modelRequests().slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((request) => !JSON.stringify(request.body).includes(company))).toEqual([]);
  });
});
