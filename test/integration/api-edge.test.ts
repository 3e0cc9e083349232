/**
 * The API edge over real HTTP on the local stack (DynamoDB Local, SQS stand-in, the streaming HTTP handler):
 * authentication, tenant isolation, validation and size limits, CORS, and the atomic AI quota under
 * concurrent requests.
 */
import { describe, expect, test } from '@jest/globals';
import { revokeApiKey } from '../../functions/stores/api-key-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { startOfAFreshWindowIfLate } from '../support/rate-window.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const maxBodyBytes = 4096;
const local = useLocalStack({
  environment: { MAX_BODY_BYTES: String(maxBodyBytes), CORS_ALLOWED_ORIGINS: 'https://app.example' },
});

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${local.stack.baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function expectError(response: { status: number; json: () => unknown }, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = response.json() as { error: unknown; code: unknown };
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
}

describe('authentication', () => {
  test('every way of presenting a bad key is a 401 with the same body', async () => {
    const tenant = await createTenant();
    const revoked = await createTenant();
    await revokeApiKey(revoked.keyId, new Date().toISOString());
    const wrongSecret = `${tenant.apiKey.slice(0, -4)}AAAA`;
    const unknownKey = tenant.apiKey.replace(tenant.keyId, '00000000-0000-4000-8000-000000000000');
    const headerCases: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: `Basic ${tenant.apiKey}` },
      { authorization: 'Bearer not-a-key' },
      { authorization: `Bearer ${wrongSecret}` },
      { authorization: `Bearer ${unknownKey}` },
      bearer(revoked),
    ];
    const bodies = new Set<string>();
    for (const headers of headerCases) {
      const response = await call('/api/organisation', { headers });
      expectError(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      bodies.add(response.text);
    }
    expect(bodies.size).toBe(1);
    const ok = await call('/api/organisation', { headers: bearer(tenant) });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ organisationId: tenant.organisationId, userEmail: 'owner@acme.example' });
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('unknown paths are 404 and wrong methods 405, both as {error, code}', async () => {
    expectError(await call('/api/nope'), 404, 'not_found');
    expectError(await call('/'), 404, 'not_found');
    const wrongMethod = await call('/api/organisation', { method: 'DELETE' });
    expectError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});

describe('tenant isolation', () => {
  test("another organisation's partner is 404 for read, update, delete and absent from lists", async () => {
    const owner = await createTenant();
    const stranger = await createTenant();
    const created = await postJson(
      '/api/partners',
      { name: 'Globex', type: 'technology', tags: ['cloud'] },
      bearer(owner),
    );
    expect(created.status).toBe(201);
    const { partnerId } = created.json() as { partnerId: string };

    expectError(await call(`/api/partners/${partnerId}`, { headers: bearer(stranger) }), 404, 'not_found');
    const patch = await call(`/api/partners/${partnerId}`, {
      method: 'PATCH',
      headers: { ...bearer(stranger), 'content-type': 'application/json' },
      body: JSON.stringify({ tier: 'gold' }),
    });
    expectError(patch, 404, 'not_found');
    expectError(
      await call(`/api/partners/${partnerId}`, { method: 'DELETE', headers: bearer(stranger) }),
      404,
      'not_found',
    );
    expect((await call('/api/partners', { headers: bearer(stranger) })).json()).toEqual({ partners: [] });

    const stillThere = await call(`/api/partners/${partnerId}`, { headers: bearer(owner) });
    expect(stillThere.json()).toMatchObject({ partnerId, name: 'Globex', tags: ['cloud'] });
    expect((stillThere.json() as { tier?: string }).tier).toBeUndefined();
  });

  test('a page cursor from one organisation is rejected for another', async () => {
    const owner = await createTenant();
    const stranger = await createTenant();
    for (const name of ['A', 'B', 'C']) await postJson('/api/partners', { name, type: 'channel' }, bearer(owner));
    const firstPage = (await call('/api/partners?limit=1', { headers: bearer(owner) })).json() as {
      nextCursor: string;
    };
    expect(firstPage.nextCursor).toBeDefined();
    const ownSecond = await call(`/api/partners?limit=1&cursor=${firstPage.nextCursor}`, { headers: bearer(owner) });
    expect(ownSecond.status).toBe(200);
    const stolen = await call(`/api/partners?limit=1&cursor=${firstPage.nextCursor}`, { headers: bearer(stranger) });
    expectError(stolen, 400, 'invalid_request');
  });
});

describe('validation and limits', () => {
  let tenant: TestTenant;
  test('bad bodies and queries are 400 with the zod issues listed', async () => {
    tenant = await createTenant();
    for (const body of [
      '{}',
      '{"company":""}',
      '{"company":42}',
      '{"company":"a","extra":true}',
      '[]',
      '{"company":',
    ]) {
      const response = await postJson('/api/ai/icp', body, bearer(tenant));
      expectError(response, 400, 'invalid_request');
      expect((response.json() as { details: unknown[] }).details.length).toBeGreaterThan(0);
    }
    const badQuery = await call('/api/partners?limit=0&type=alien', { headers: bearer(tenant) });
    expectError(badQuery, 400, 'invalid_request');
    expect((badQuery.json() as { details: Array<{ path: string }> }).details.map((d) => d.path).sort()).toEqual([
      'limit',
      'type',
    ]);
  });

  test('a body over the limit is 413 and a non-JSON body is 415', async () => {
    tenant ??= await createTenant();
    const huge = JSON.stringify({ company: 'x'.repeat(maxBodyBytes) });
    expectError(await postJson('/api/ai/icp', huge, bearer(tenant)), 413, 'payload_too_large');
    const form = await call('/api/ai/icp', {
      method: 'POST',
      headers: { ...bearer(tenant), 'content-type': 'text/plain' },
      body: 'company=acme',
    });
    expectError(form, 415, 'unsupported_media_type');
  });
});

describe('CORS', () => {
  test('preflight and responses allow only the configured origin', async () => {
    const preflight = await call('/api/ai/icp', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const foreign = await call('/api/organisation', { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await call('/api/organisation', { headers: { origin: 'https://app.example' } });
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('AI quota', () => {
  test('50 concurrent generations against 10 remaining units admit exactly 10', async () => {
    const tenant = await createTenant({ monthlyQuota: 10 });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        postJson('/api/ai/icp', { company: `company-${index}.example` }, bearer(tenant)),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(40);
    for (const response of responses.filter((r) => r.status === 402)) expectError(response, 402, 'quota_exceeded');
    const usage = (await call('/api/organisation', { headers: bearer(tenant) })).json() as { quota: unknown };
    expect(usage.quota).toMatchObject({ limit: 10, used: 10, remaining: 0 });
  });
});

describe('AI rate limit', () => {
  test('20 concurrent generations against 5 requests per minute admit exactly 5; the rest get 429 with Retry-After and keep their quota', async () => {
    const tenant = await createTenant({ monthlyQuota: 100, aiRequestsPerMinute: 5 });
    await startOfAFreshWindowIfLate();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        postJson('/api/ai/icp', { company: `rate-${index}.example` }, bearer(tenant)),
      ),
    );
    // Straight after the burst, still in its window: a report refused by the limit leaves no report behind.
    const report = await postJson(
      '/api/ai/strategy/executive-summary/generate',
      { orgName: 'Acme', domain: 'acme.example', reportType: 'executive-summary' },
      bearer(tenant),
    );
    expectError(report, 429, 'rate_limited');
    const { reports } = (await call('/api/reports', { headers: bearer(tenant) })).json() as { reports: unknown[] };
    expect(reports).toEqual([]);
    const admitted = responses.filter((response) => response.status === 200);
    const limited = responses.filter((response) => response.status !== 200);
    expect(admitted).toHaveLength(5);
    expect(limited).toHaveLength(15);
    // Each admitted response says how many of the window's requests are left: 4, 3, 2, 1, 0 in some order.
    expect(admitted.map((response) => response.headers.get('x-ratelimit-remaining')).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(new Set(admitted.map((response) => response.headers.get('x-ratelimit-limit')))).toEqual(new Set(['5']));
    for (const response of limited) {
      expectError(response, 429, 'rate_limited');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Refused requests were not charged: only the 5 admitted ones used quota.
    const usage = (await call('/api/organisation', { headers: bearer(tenant) })).json() as {
      quota: unknown;
      rateLimit: unknown;
    };
    expect(usage.quota).toMatchObject({ limit: 100, used: 5, remaining: 95 });
    expect(usage.rateLimit).toEqual({ aiRequestsPerMinute: 5 });

    // A cached ICP makes no model call, so it is neither charged nor limited.
    const admittedIndex = responses.findIndex((response) => response.status === 200);
    const cached = await postJson('/api/ai/icp', { company: `rate-${admittedIndex}.example` }, bearer(tenant));
    expect(cached.status).toBe(200);
  });

  test('an exhausted quota answers 402 even when the window is also full: waiting would not help', async () => {
    const tenant = await createTenant({ monthlyQuota: 1, aiRequestsPerMinute: 1 });
    await startOfAFreshWindowIfLate();
    expect((await postJson('/api/ai/icp', { company: 'first.example' }, bearer(tenant))).status).toBe(200);
    expectError(await postJson('/api/ai/icp', { company: 'second.example' }, bearer(tenant)), 402, 'quota_exceeded');
  });
});
