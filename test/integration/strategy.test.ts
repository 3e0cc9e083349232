/**
 * IPP, partner types and partner suggestions over real HTTP: streams read with the AI SDK's partial-JSON
 * parser, strategy persistence, 422 without a strategy, grounding in the knowledge base.
 */
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { ippResultSchema } from '../../functions/domain/strategy/ipp.ts';
import { partnerSuggestionSchema } from '../../functions/domain/strategy/partner-suggestions.ts';
import { partnerTypeResultSchema } from '../../functions/domain/strategy/partner-types.ts';
import { getStrategy } from '../../functions/stores/strategy-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { postJsonTo, readObjectStream } from '../support/object-stream.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack({ localBedrock: { latencyMs: { perChunkMs: 5 } } });
const post = postJsonTo(() => local.stack.baseUrl);

async function generateStrategy(tenant: TestTenant) {
  const icp = icpResultSchema.parse(
    JSON.parse((await readObjectStream(await post('/api/ai/icp', bearer(tenant), { company: 'Acme Analytics' }))).text),
  );
  const ippResponse = await post('/api/ai/ipp', bearer(tenant), { icp });
  expect(ippResponse.status).toBe(200);
  const { text, partials } = await readObjectStream(ippResponse);
  return { icp, ipp: ippResultSchema.parse(JSON.parse(text)), ippPartials: partials };
}

const lastModelPrompt = () => JSON.stringify(local.stack.localBedrock?.requests.at(-1)?.body);

describe('IPP', () => {
  test("streams an IPP for the key's email domain and saves it as the current strategy", async () => {
    const tenant = await createTenant({}, 'founder@globex.example');
    const { ipp, ippPartials } = await generateStrategy(tenant);
    expect(ippPartials.length).toBeGreaterThan(2);
    expect(lastModelPrompt()).toContain('globex.example');
    expect((await getStrategy(tenant.organisationId, 'ipp'))?.result).toEqual(ipp);
    const strategy = await (await fetch(`${local.stack.baseUrl}/api/strategy`, { headers: bearer(tenant) })).json();
    expect(strategy).toMatchObject({ ipp: { result: ipp, subject: 'globex.example' } });
  });

  test('takes the domain from the body, and rejects an invalid ICP or domain with 400', async () => {
    const tenant = await createTenant();
    const { icp } = await generateStrategy(tenant);
    await readObjectStream(await post('/api/ai/ipp', bearer(tenant), { icp, domain: 'https://www.Initech.example/x' }));
    expect((await getStrategy(tenant.organisationId, 'ipp'))?.subject).toBe('initech.example');
    for (const body of [{ icp: { ...icp, personas: 'x' } }, { icp, domain: 'not a domain' }, {}]) {
      const response = await post('/api/ai/ipp', bearer(tenant), body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_request' });
    }
  });
});

describe('partner types', () => {
  test('422 strategy_missing until the organisation has an ICP and an IPP, at no quota cost', async () => {
    const tenant = await createTenant();
    const response = await post('/api/ai/strategy/partner-types', bearer(tenant), {});
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'strategy_missing' });
    const usage = await (await fetch(`${local.stack.baseUrl}/api/organisation`, { headers: bearer(tenant) })).json();
    expect(usage).toMatchObject({ quota: { used: 0 } });
  });

  test('streams recommendations grounded in the namespace, saved best first', async () => {
    const tenant = await createTenant();
    await generateStrategy(tenant);
    const document = await post('/api/knowledge-base/staging/documents', bearer(tenant), {
      title: 'Channel playbook',
      content: 'Systems integrators with data engineering skills close our largest analytics deals in EMEA.',
    });
    expect(document.status).toBe(201);
    const response = await post('/api/ai/strategy/partner-types', bearer(tenant), { namespace: 'staging' });
    expect(response.status).toBe(200);
    const { text, partials } = await readObjectStream(response);
    expect(partials.length).toBeGreaterThan(2);
    const result = partnerTypeResultSchema.parse(JSON.parse(text));
    expect(result.recommendations.length).toBeGreaterThan(0);
    expect(lastModelPrompt()).toContain('Systems integrators with data engineering skills');
    const cited = new Set(result.recommendations.flatMap((recommendation) => recommendation.sources));
    const { documentId } = (await document.json()) as { documentId: string };
    expect([...cited]).toEqual([`${documentId}#0`]);
    const saved = await getStrategy<z.output<typeof partnerTypeResultSchema>>(tenant.organisationId, 'partnerTypes');
    const scores = saved?.result.recommendations.map((recommendation) => recommendation.score) ?? [];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  test('a bad namespace is 400', async () => {
    const tenant = await createTenant();
    const response = await post('/api/ai/strategy/partner-types', bearer(tenant), { namespace: '../other' });
    expect(response.status).toBe(400);
  });
});

describe('partner suggestions', () => {
  test('streams a JSON array that is a valid prefix at every chunk, grounded in roster and knowledge', async () => {
    const tenant = await createTenant();
    await post('/api/partners', bearer(tenant), { name: 'Northwind Data', type: 'consulting', tags: ['analytics'] });
    const response = await post('/api/ai/partner-suggestions', bearer(tenant), {
      companyName: 'Contoso',
      industry: 'Retail analytics',
      painPoints: ['Slow reporting', 'Siloed data'],
    });
    expect(response.status).toBe(200);
    const { text, partials } = await readObjectStream(response);
    expect(partials.every((partial) => Array.isArray(partial))).toBe(true);
    const suggestions = z.array(partnerSuggestionSchema).parse(JSON.parse(text));
    expect(suggestions.length).toBeGreaterThan(0);
    expect(lastModelPrompt()).toContain('Northwind Data');
    expect(lastModelPrompt()).toContain('Slow reporting');
  });

  test('missing fields are 400 with each issue listed', async () => {
    const tenant = await createTenant();
    const response = await post('/api/ai/partner-suggestions', bearer(tenant), { companyName: 'Contoso' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: Array<{ path: string }> };
    expect(body.details.map((detail) => detail.path).sort()).toEqual(['industry', 'painPoints']);
  });
});
