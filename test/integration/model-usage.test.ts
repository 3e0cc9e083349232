/**
 * Model tokens per organisation and month, end to end on the local stack: the real handler, DynamoDB Local and the
 * local Bedrock endpoint, which reports usage like Bedrock. Counts are read back the way a client reads them,
 * from GET /api/organisation, and by the admin CLI's function.
 */

import { describe, expect, jest, test } from '@jest/globals';
import { showUsage } from '../../functions/admin/usage-report.ts';
import { organisationSummarySchema } from '../../functions/domain/access/organisation-summary.ts';
import { icpResultSchema } from '../../functions/domain/strategy/icp.ts';
import { logger } from '../../functions/runtime/logger.ts';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { PutCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { chatTurn, userMessage } from '../support/chat-client.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { postJsonTo, readObjectStream } from '../support/object-stream.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack({ localBedrock: { latencyMs: { perChunkMs: 2 } } });
const post = postJsonTo(() => local.stack.baseUrl);

async function usageOf(tenant: TestTenant) {
  const response = await fetch(`${local.stack.baseUrl}/api/organisation`, { headers: bearer(tenant) });
  expect(response.status).toBe(200);
  return organisationSummarySchema.parse(await response.json()).usage;
}

async function generateIcp(tenant: TestTenant, company: string) {
  const response = await post('/api/ai/icp', bearer(tenant), { company });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-cache')).toBe('miss');
  await readObjectStream(response);
}

/** One chat turn; returns the usage the stream's finish metadata reported to the client. */
async function chatUsage(tenant: TestTenant, text: string) {
  const { message, errors } = await chatTurn(local.stack, tenant, [userMessage(text)]);
  expect(errors).toEqual([]);
  const metadata = message?.metadata as { usage?: { inputTokens: number; outputTokens: number } } | undefined;
  const usage = metadata?.usage;
  if (!usage) throw new Error('The chat reported no usage');
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
}

describe('model usage per organisation', () => {
  test('an ICP and a chat are counted by route, beside the quota', async () => {
    const tenant = await createTenant();
    const before = await usageOf(tenant);
    expect(before).toMatchObject({ inputTokens: 0, outputTokens: 0, modelCalls: 0, byRoute: {} });
    expect(before.period).toBe(new Date().toISOString().slice(0, 7));

    await generateIcp(tenant, 'Initech');
    const afterIcp = await usageOf(tenant);
    const icp = afterIcp.byRoute.icp;
    expect(icp?.modelCalls).toBe(1);
    expect(icp?.inputTokens).toBeGreaterThan(0);
    expect(icp?.outputTokens).toBeGreaterThan(0);
    expect(afterIcp).toMatchObject({ inputTokens: icp?.inputTokens, outputTokens: icp?.outputTokens, modelCalls: 1 });

    const reported = await chatUsage(tenant, 'Hello Nelson');
    const afterChat = await usageOf(tenant);
    expect(afterChat.byRoute.chat).toMatchObject({ ...reported, modelCalls: 1 });
    expect(afterChat.byRoute.icp).toEqual(icp);
    expect(afterChat).toMatchObject({
      inputTokens: (icp?.inputTokens ?? 0) + reported.inputTokens,
      outputTokens: (icp?.outputTokens ?? 0) + reported.outputTokens,
      modelCalls: 2,
    });
    // The admin CLI reads the same item.
    expect(await showUsage(tenant.organisationId)).toEqual({ organisationId: tenant.organisationId, ...afterChat });
  });

  test("one organisation's calls never show in another's counts", async () => {
    const [first, second] = [await createTenant(), await createTenant()];
    await generateIcp(first, 'Hooli');
    const firstUsage = await usageOf(first);
    expect(firstUsage.modelCalls).toBe(1);
    expect(await usageOf(second)).toMatchObject({ inputTokens: 0, outputTokens: 0, modelCalls: 0, byRoute: {} });

    await chatUsage(second, 'Hello Nelson');
    expect(await usageOf(first)).toEqual(firstUsage);
    expect(Object.keys((await usageOf(second)).byRoute)).toEqual(['chat']);
  });

  test('concurrent requests add up to the sum of what each reported', async () => {
    const tenant = await createTenant();
    const questions = ['Hello', 'What can you do?', 'Summarise our strategy', 'Any reports?', 'Thanks', 'Bye now'];
    const reported = await Promise.all(questions.map((question) => chatUsage(tenant, question)));
    const sum = (field: 'inputTokens' | 'outputTokens') => reported.reduce((total, usage) => total + usage[field], 0);
    expect(sum('outputTokens')).toBeGreaterThan(0);
    expect((await usageOf(tenant)).byRoute.chat).toMatchObject({
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      modelCalls: questions.length,
    });
  });

  test('a count that cannot be written is logged without content, and the answer is whole all the same', async () => {
    const tenant = await createTenant();
    const period = new Date().toISOString().slice(0, 7);
    // A number attribute holding text: DynamoDB refuses the ADD, as it would refuse any broken write.
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...itemKeys.usagePeriod(tenant.organisationId, period), inputTokens: 'not a number' },
      }),
    );
    // Watched at the logger itself: the level the tests run at (ERROR) would hide the warning from the output.
    const warn = jest.spyOn(logger, 'warn');
    try {
      const response = await post('/api/ai/icp', bearer(tenant), { company: 'Sirius Cybernetics' });
      expect(response.status).toBe(200);
      icpResultSchema.parse(JSON.parse((await readObjectStream(response)).text));
      const failures = warn.mock.calls.filter(([message]) => message === 'Could not record model usage');
      expect(failures).toHaveLength(1);
      expect(failures[0]?.[1]).toMatchObject({ route: 'icp', error: { name: 'ValidationException' } });
      expect(JSON.stringify(failures)).not.toContain('Sirius');
    } finally {
      warn.mockRestore();
    }
  });

  test('the admin CLI reads a past month, and refuses a malformed one', async () => {
    const tenant = await createTenant();
    expect(await showUsage(tenant.organisationId, '2020-01')).toMatchObject({ period: '2020-01', modelCalls: 0 });
    await expect(showUsage(tenant.organisationId, '2020-13')).rejects.toThrow();
    await expect(showUsage('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/No organisation/);
  });
});
