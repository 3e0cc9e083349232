/**
 * POST /api/ai/icp end to end: the real Bedrock provider against the local Bedrock-compatible endpoint,
 * read the way `useObject` reads it (the AI SDK's parsePartialJson over the text stream).
 */
import { describe, expect, test } from '@jest/globals';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { getStrategy } from '../../functions/stores/strategy-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { readObjectStream } from '../support/object-stream.ts';
import { bearer, createTenant } from '../support/tenants.ts';

const local = useLocalStack({ localBedrock: { latencyMs: { perChunkMs: 15 } } });

const requestIcp = (apiKeyHeaders: Record<string, string>, company: string) =>
  fetch(`${local.stack.baseUrl}/api/ai/icp`, {
    method: 'POST',
    headers: { ...apiKeyHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ company }),
  });

const quotaUsed = async (headers: Record<string, string>) => {
  const response = await fetch(`${local.stack.baseUrl}/api/organisation`, { headers });
  return ((await response.json()) as { quota: { used: number } }).quota.used;
};

describe('ICP generation', () => {
  test('streams partial objects, then a valid ICP that becomes the current strategy', async () => {
    const tenant = await createTenant();
    const response = await requestIcp(bearer(tenant), 'Initech');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const { text, partials } = await readObjectStream(response);
    expect(partials.length).toBeGreaterThan(3);
    const icp = icpResultSchema.parse(JSON.parse(text));
    expect(icp.industry).toContain('[offline]');
    expect(icp.industry).toContain('Initech');
    expect((await getStrategy(tenant.organisationId, 'icp'))?.result).toEqual(icp);
    expect(await quotaUsed(bearer(tenant))).toBe(1);
  });

  test('a repeat for the same company (any spelling) streams the cache: no model call, no quota', async () => {
    const tenant = await createTenant();
    const first = await readObjectStream(await requestIcp(bearer(tenant), 'https://www.Hooli.com/about'));
    const modelCalls = local.stack.localBedrock?.requests.length;
    const repeat = await requestIcp(bearer(tenant), 'hooli.com');
    expect(repeat.headers.get('x-cache')).toBe('hit');
    const second = await readObjectStream(repeat);
    expect(JSON.parse(second.text)).toEqual(JSON.parse(first.text));
    expect(local.stack.localBedrock?.requests.length).toBe(modelCalls);
    expect(await quotaUsed(bearer(tenant))).toBe(1);

    const stranger = await createTenant();
    const strangersCall = await requestIcp(bearer(stranger), 'hooli.com');
    expect(strangersCall.headers.get('x-cache')).toBe('miss');
    await strangersCall.text();
  });

  test('a model failure before the first byte is 503 model_unavailable and refunds the quota', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1 });
    const response = await requestIcp(bearer(tenant), 'Umbrella');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'model_unavailable' });
    expect(await quotaUsed(bearer(tenant))).toBe(0);
  });

  test('Bedrock throttling is retried with backoff and the generation succeeds, charged once', async () => {
    const tenant = await createTenant();
    const before = local.stack.localBedrock?.requests.length ?? 0;
    local.stack.localBedrock?.failNext({ kind: 'throttle', count: 1 });
    const response = await requestIcp(bearer(tenant), 'Soylent');
    expect(response.status).toBe(200);
    icpResultSchema.parse(JSON.parse((await readObjectStream(response)).text));
    expect((local.stack.localBedrock?.requests.length ?? 0) - before).toBe(2);
    expect(await quotaUsed(bearer(tenant))).toBe(1);
  });

  test('a model failure after the first byte aborts the stream instead of ending it cleanly', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'mid-stream', count: 1, afterChunks: 3 });
    const response = await requestIcp(bearer(tenant), 'Vandelay');
    expect(response.status).toBe(200);
    await expect(readObjectStream(response)).rejects.toThrow();
    expect(await getStrategy(tenant.organisationId, 'icp')).toBeUndefined();
  });
});
