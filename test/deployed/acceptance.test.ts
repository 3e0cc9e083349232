/**
 * The post-deploy acceptance suite (`npm run test:deployed`) against the local stack with the offline model,
 * so CI runs it. The model is paced so the streamed objects arrive in parts, as from a real model.
 */
import { describe, expect, test } from '@jest/globals';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { createTenant } from '../support/tenants.ts';
import { runAcceptanceSuite } from './run-suite.ts';

const local = useLocalStack({ localBedrock: { latencyMs: { perChunkMs: 5 } } });

describe('the acceptance suite against the local stack', () => {
  test('passes every check, the isolation checks included', async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const run = await runAcceptanceSuite({
      API_BASE_URL: `${local.stack.baseUrl}/`,
      API_KEY: tenant.apiKey,
      API_KEY_2: other.apiKey,
    });
    expect(run.failed).toEqual([]);
    expect(run.skipped).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/^\d+ passed, 0 failed$/m);
    // The lines that say what was observed, not only that nothing failed.
    expect(run.passed.join('\n')).toMatch(/POST \/api\/ai\/icp .* — \d+ partial values/);
    expect(run.passed.join('\n')).toContain('offline model: searchPartners called and its result returned');
    expect(run.passed.join('\n')).toMatch(/cross-organisation .* — 7 requests, each 404/);
  }, 180_000);

  test('without a second key it skips the isolation checks and says how to run them', async () => {
    const tenant = await createTenant();
    const run = await runAcceptanceSuite({ API_BASE_URL: local.stack.baseUrl, API_KEY: tenant.apiKey });
    expect(run.exitCode).toBe(0);
    expect(run.skipped).toEqual([expect.stringContaining('set API_KEY_2')]);
  }, 180_000);

  test('fails, and exits non-zero, when the stack does not answer as documented', async () => {
    const run = await runAcceptanceSuite({
      API_BASE_URL: local.stack.baseUrl,
      API_KEY: `pos_00000000-0000-4000-8000-000000000000_${'A'.repeat(43)}`,
    });
    expect(run.exitCode).toBe(1);
    expect(run.failed[0]).toContain('GET /api/organisation');
    expect(run.output).toMatch(/^\d+ passed, [1-9]\d* failed/m);
  }, 180_000);
});
