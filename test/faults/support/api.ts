/** Small API calls the fault tests share. */
import type { RunningLocalStack } from '../../../local/local-stack.ts';
import { bearer, type TestTenant } from '../../support/tenants.ts';

export const requestIcp = (stack: RunningLocalStack, tenant: TestTenant, company: string) =>
  fetch(`${stack.baseUrl}/api/ai/icp`, {
    method: 'POST',
    headers: { ...bearer(tenant), 'content-type': 'application/json' },
    body: JSON.stringify({ company }),
  });

export async function quotaUsed(stack: RunningLocalStack, tenant: TestTenant): Promise<number> {
  const response = await fetch(`${stack.baseUrl}/api/organisation`, { headers: bearer(tenant) });
  return ((await response.json()) as { quota: { used: number } }).quota.used;
}

/** Model requests whose body mentions `text` (e.g. a company name unique to one test). */
export const modelRequestsMentioning = (stack: RunningLocalStack, text: string) =>
  (stack.localBedrock?.requests ?? []).filter((request) => JSON.stringify(request.body).includes(text));
