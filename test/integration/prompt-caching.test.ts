/**
 * Bedrock prompt caching end to end on the local stack: Nelson's requests carry cache points, and a second chat
 * turn reads the conversation the first one wrote, as the AI SDK's usage in the message metadata shows. The local
 * Bedrock endpoint simulates the cache with the chat model's minimum (Claude Haiku 4.5: 4,096 tokens per prefix).
 */
import { describe, expect, test } from '@jest/globals';
import type { UIMessage } from 'ai';
import { chatTurn, userMessage } from '../support/chat-client.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack();

interface Usage {
  inputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

async function turn(tenant: TestTenant, messages: UIMessage[]) {
  const { message, errors } = await chatTurn(local.stack, tenant, messages, '/dashboard');
  expect(errors).toEqual([]);
  if (!message) throw new Error('The stream produced no assistant message');
  return { message, usage: (message.metadata as { usage?: Usage } | undefined)?.usage ?? {} };
}

/**
 * A first message long enough (about 4,500 tokens) for the conversation to pass the chat model's cache minimum,
 * in words that make the offline model answer without calling a tool.
 */
const longNotes = `Background for later questions: ${'we had soup and bread at the cafe on Tuesday afternoon. '.repeat(320)}`;

interface ConverseBody {
  system?: Array<{ text?: string; cachePoint?: unknown }>;
  messages: Array<{ content: Array<{ cachePoint?: unknown }> }>;
}

const nelsonRequestsOf = (notes: string) =>
  (local.stack.localBedrock?.requests ?? [])
    .map((request) => request.body as ConverseBody)
    .filter((body) => JSON.stringify(body.messages).includes(notes.slice(0, 200)));

describe('prompt caching', () => {
  test('the second chat turn reads the prefix the first one wrote', async () => {
    const tenant = await createTenant();
    const first = await turn(tenant, [userMessage(longNotes)]);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(first.usage.cacheWriteTokens).toBeGreaterThanOrEqual(4_096);

    const second = await turn(tenant, [userMessage(longNotes), first.message, userMessage('And what did we eat?')]);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBe(0);
    // inputTokens counts every prompt token; only a small part of the second turn's was not read from the cache.
    const uncached = (second.usage.inputTokens ?? 0) - (second.usage.cacheReadTokens ?? 0);
    expect(uncached).toBeGreaterThan(0);
    expect(uncached).toBeLessThan((second.usage.cacheReadTokens ?? 0) / 4);

    // The shared instructions end in a cache point, and so do the previous and the last user message.
    const [, secondRequest] = nelsonRequestsOf(longNotes);
    expect(secondRequest?.system?.filter((block) => 'cachePoint' in block)).toHaveLength(1);
    const messageCachePoints = secondRequest?.messages.flatMap((message) =>
      message.content.filter((block) => 'cachePoint' in block),
    );
    expect(messageCachePoints).toHaveLength(2);
  });

  test('a short conversation is under the minimum: nothing is cached, nothing read', async () => {
    const tenant = await createTenant();
    const first = await turn(tenant, [userMessage('Hello Nelson')]);
    const second = await turn(tenant, [userMessage('Hello Nelson'), first.message, userMessage('Thanks!')]);
    expect(first.usage.cacheWriteTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheWriteTokens).toBe(0);
  });
});
