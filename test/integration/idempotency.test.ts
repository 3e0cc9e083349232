/**
 * `Idempotency-Key` on the create endpoints over real HTTP and DynamoDB Local: a retry replays the first
 * response without doing the work again, another body is 409, keys belong to one organisation, failures free
 * the key, and concurrent requests with one key do the work once.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { idempotencyKeyHash, requestFingerprint } from '../../functions/domain/access/idempotency.ts';
import { claimIdempotencyKey } from '../../functions/stores/idempotency-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

// Reports stay running: the worker is not needed to see whether a job was started twice.
const local = useLocalStack({ reportWorker: false });

const post = (path: string, tenant: TestTenant, body: unknown, key?: string) =>
  fetch(`${local.stack.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      ...bearer(tenant),
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const get = async (path: string, tenant: TestTenant) =>
  (await fetch(`${local.stack.baseUrl}${path}`, { headers: bearer(tenant) })).json() as Promise<
    Record<string, unknown>
  >;

const partnerCount = async (tenant: TestTenant) => ((await get('/api/partners', tenant)).partners as unknown[]).length;
const quotaUsed = async (tenant: TestTenant) =>
  ((await get('/api/organisation', tenant)).quota as { used: number }).used;

const partner = { name: 'Northwind Data', type: 'consulting', tags: ['analytics'] };

describe('Idempotency-Key on POST /api/partners', () => {
  test('a retry with the same key and body replays the first response and creates nothing more', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const first = await post('/api/partners', tenant, partner, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const created = await first.json();

    // The same body with its keys in another order is the same request.
    const retry = await post(
      '/api/partners',
      tenant,
      { tags: ['analytics'], type: 'consulting', name: 'Northwind Data' },
      key,
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toContain('application/json');
    expect(await retry.json()).toEqual(created);
    expect(await partnerCount(tenant)).toBe(1);

    const withoutKey = await post('/api/partners', tenant, partner);
    expect(withoutKey.status).toBe(201);
    expect(await partnerCount(tenant)).toBe(2);
  });

  test('the same key with another body is 409 conflict and changes nothing', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    expect((await post('/api/partners', tenant, partner, key)).status).toBe(201);
    const other = await post('/api/partners', tenant, { ...partner, name: 'Contoso' }, key);
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'conflict', error: expect.stringContaining('different request') });
    expect(await partnerCount(tenant)).toBe(1);
  });

  test('another organisation using the same key is unaffected', async () => {
    const [first, second] = [await createTenant(), await createTenant()];
    const key = 'order-42';
    const created = await (await post('/api/partners', first, partner, key)).json();
    const response = await post('/api/partners', second, partner, key);
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect((await response.json()).partnerId).not.toBe(created.partnerId);
    expect(await partnerCount(second)).toBe(1);
    const otherBody = await post('/api/partners', second, { ...partner, name: 'Initech' }, 'order-43');
    expect(otherBody.status).toBe(201);
  });

  test('a failed first attempt frees the key for a corrected retry', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const invalid = await post('/api/partners', tenant, { name: '' }, key);
    expect(invalid.status).toBe(400);
    const corrected = await post('/api/partners', tenant, partner, key);
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    expect(await partnerCount(tenant)).toBe(1);
  });

  test.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'clé-1'],
    ['empty', ''],
  ])('a key that is %s is 400 invalid_idempotency_key, before any work', async (_what, key) => {
    const tenant = await createTenant();
    const response = await post('/api/partners', tenant, partner, key);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_idempotency_key' });
    expect(await partnerCount(tenant)).toBe(0);
  });

  test('255 printable characters, spaces and symbols included, are a valid key', async () => {
    const tenant = await createTenant();
    const key = `a ~!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}`.padEnd(255, 'z');
    expect((await post('/api/partners', tenant, partner, key)).status).toBe(201);
    expect((await post('/api/partners', tenant, partner, key)).headers.get('idempotent-replayed')).toBe('true');
  });

  test('concurrent requests with one key create one partner; the others replay it or are told it is in progress', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('/api/partners', tenant, partner, key)));
    const answers = await Promise.all(
      responses.map(async (response) => ({
        status: response.status,
        replayed: response.headers.get('idempotent-replayed') === 'true',
        body: (await response.json()) as { partnerId?: string; code?: string; error?: string },
      })),
    );
    const originals = answers.filter((answer) => answer.status === 201 && !answer.replayed);
    expect(originals).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 201) expect(answer.body.partnerId).toBe(originals[0]?.body.partnerId);
      else {
        expect(answer.status).toBe(409);
        expect(answer.body).toMatchObject({ code: 'conflict', error: expect.stringContaining('still in progress') });
      }
    }
    expect(await partnerCount(tenant)).toBe(1);
  });

  test('a key whose request died with its claim is free again once the claim has expired', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const claim = await claimIdempotencyKey({
      organisationId: tenant.organisationId,
      keyHash: idempotencyKeyHash(key),
      fingerprint: requestFingerprint('POST', '/api/partners', JSON.stringify(partner)),
      claimId: randomUUID(),
      now: now - 600,
      claimExpiresAt: now - 1,
    });
    expect(claim.claimed).toBe(true);
    const response = await post('/api/partners', tenant, partner, key);
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('Idempotency-Key on knowledge uploads and report generation', () => {
  test('a retried knowledge upload returns the first document and is charged once', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const document = { title: 'Playbook', content: 'Systems integrators close our largest deals.' };
    const first = await post('/api/knowledge-base/default/documents', tenant, document, key);
    expect(first.status).toBe(201);
    const retry = await post('/api/knowledge-base/default/documents', tenant, document, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect((await get('/api/knowledge-base/default/documents', tenant)).documents).toHaveLength(1);
    expect(await quotaUsed(tenant)).toBe(1);
  });

  test('concurrent report starts with one key start one job and charge one unit', async () => {
    const tenant = await createTenant();
    const key = randomUUID();
    const path = '/api/ai/strategy/executive-summary/generate';
    const body = { orgName: 'Acme', domain: 'acme.example', reportType: 'executive-summary' };
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(path, tenant, body, key)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 202 || status === 409)).toBe(true);
    const started = (await Promise.all(responses.map((response) => response.json()))) as Array<{ jobId?: string }>;
    expect(new Set(started.map((answer) => answer.jobId).filter(Boolean)).size).toBe(1);
    expect(await quotaUsed(tenant)).toBe(1);
    const retry = await post(path, tenant, body, key);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await get('/api/reports', tenant)).reports as unknown[]).length).toBe(1);
  });
});
