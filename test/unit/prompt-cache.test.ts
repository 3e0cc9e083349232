/**
 * The local Bedrock endpoint's prompt cache simulation: what it reads, writes and leaves uncached, under the
 * model's minimum, across its TTL (an injected clock) and for prefixes that differ.
 */
import { describe, expect, test } from '@jest/globals';
import type { ConverseRequest } from '../../local/bedrock/converse-types.ts';
import {
  cacheTtlMs,
  countedCheckpoints,
  PromptCache,
  TooManyCachePointsError,
} from '../../local/bedrock/prompt-cache.ts';

const sonnet = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const haiku = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const cachePoint = { cachePoint: { type: 'default' } };

/** About `tokens` estimated tokens of text (4 characters each). */
const textOf = (tokens: number, letter = 'a') => letter.repeat(tokens * 4);

/** A shared context of `contextTokens` behind a cache point, then a question that differs per request. */
function request(contextTokens: number, question: string, letter = 'a'): ConverseRequest {
  return {
    system: [{ text: 'You write report sections.' }],
    messages: [{ role: 'user', content: [{ text: textOf(contextTokens, letter) }, cachePoint, { text: question }] }],
  };
}

const total = (body: ConverseRequest) => Math.ceil(JSON.stringify(body).length / 4);

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('prompt cache simulation', () => {
  test('the first request writes the prefix, the next one with the same prefix reads it', () => {
    const cache = new PromptCache();
    const first = request(2_000, 'Write the overview.');
    const written = cache.account(sonnet, first, total(first));
    expect(written.usage.cacheReadInputTokens).toBe(0);
    expect(written.usage.cacheWriteInputTokens).toBeGreaterThanOrEqual(2_000);
    expect(written.usage.inputTokens).toBe(total(first) - written.usage.cacheWriteInputTokens);
    written.commit();

    const second = request(2_000, 'Write the risks section, a different question.');
    const read = cache.account(sonnet, second, total(second));
    expect(read.usage).toEqual({
      inputTokens: total(second) - written.usage.cacheWriteInputTokens,
      cacheReadInputTokens: written.usage.cacheWriteInputTokens,
      cacheWriteInputTokens: 0,
    });
  });

  test('a prefix is readable only once its writer has produced output: concurrent requests both write', () => {
    const cache = new PromptCache();
    const body = request(2_000, 'q');
    const first = cache.account(sonnet, body, total(body));
    const concurrent = cache.account(sonnet, body, total(body));
    expect(concurrent.usage.cacheReadInputTokens).toBe(0);
    expect(concurrent.usage.cacheWriteInputTokens).toBe(first.usage.cacheWriteInputTokens);
    first.commit();
    expect(cache.account(sonnet, body, total(body)).usage.cacheReadInputTokens).toBe(first.usage.cacheWriteInputTokens);
  });

  test('a prefix under the model minimum is not cached (Sonnet 4.5: 1,024 tokens; Haiku 4.5: 4,096)', () => {
    const cache = new PromptCache();
    const small = request(900, 'q');
    const account = cache.account(sonnet, small, total(small));
    expect(account.usage).toEqual({ inputTokens: total(small), cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
    account.commit();
    expect(cache.size).toBe(0);

    const mid = request(2_000, 'q');
    expect(countedCheckpoints(sonnet, mid)).toHaveLength(1);
    expect(countedCheckpoints(haiku, mid)).toHaveLength(0);
    expect(countedCheckpoints(haiku, request(4_100, 'q'))).toHaveLength(1);
    expect(countedCheckpoints('amazon.titan-text-express-v1', mid)).toHaveLength(0);
  });

  test('a second cache point counts only with the minimum since the first; an uncounted one folds into the next', () => {
    const body: ConverseRequest = {
      system: [{ text: textOf(500) }, cachePoint],
      messages: [{ role: 'user', content: [{ text: textOf(600) }, cachePoint, { text: textOf(300) }, cachePoint] }],
    };
    const counted = countedCheckpoints(sonnet, body);
    // 500 (too small) → 1,100 (counted) → 1,400 (only 300 more: not counted).
    expect(counted).toHaveLength(1);
    expect(counted[0]?.tokens).toBeGreaterThanOrEqual(1_100);
    expect(counted[0]?.tokens).toBeLessThan(1_400);
  });

  test('entries expire after 5 minutes without a read, and every read refreshes them', () => {
    const time = clock();
    const cache = new PromptCache({ now: time.now });
    const body = request(2_000, 'q');
    cache.account(sonnet, body, total(body)).commit();
    time.advance(cacheTtlMs - 1_000);
    expect(cache.account(sonnet, body, total(body)).usage.cacheReadInputTokens).toBeGreaterThan(0);
    // Refreshed by that read: still there almost a TTL later, although the first write is older than a TTL.
    time.advance(cacheTtlMs - 1_000);
    expect(cache.account(sonnet, body, total(body)).usage.cacheReadInputTokens).toBeGreaterThan(0);
    time.advance(cacheTtlMs);
    const expired = cache.account(sonnet, body, total(body));
    expect(expired.usage.cacheReadInputTokens).toBe(0);
    expect(expired.usage.cacheWriteInputTokens).toBeGreaterThan(0);
  });

  test('a different prefix, or the same prefix on another model, misses', () => {
    const cache = new PromptCache();
    const body = request(2_000, 'q');
    cache.account(sonnet, body, total(body)).commit();
    const otherContext = request(2_000, 'q', 'b');
    expect(cache.account(sonnet, otherContext, total(otherContext)).usage.cacheReadInputTokens).toBe(0);
    const opus = 'global.anthropic.claude-opus-4-1-20250805-v1:0';
    expect(cache.account(opus, body, total(body)).usage.cacheReadInputTokens).toBe(0);
    // The same blocks split differently are another prefix too.
    const resplit: ConverseRequest = {
      ...body,
      messages: [
        {
          role: 'user',
          content: [{ text: textOf(1_000) }, { text: textOf(1_000) }, cachePoint, { text: 'q' }],
        },
      ],
    };
    expect(cache.account(sonnet, resplit, total(resplit)).usage.cacheReadInputTokens).toBe(0);
  });

  test('tools come first in the prefix: a cache point in the system prompt covers them, changed tools miss', () => {
    const tool = (description: string) => ({
      toolSpec: { name: 'searchPartners', description, inputSchema: { json: { type: 'object' } } },
    });
    const withTools = (description: string): ConverseRequest => ({
      toolConfig: { tools: [tool(description)] },
      system: [{ text: textOf(1_100) }, cachePoint],
      messages: [{ role: 'user', content: [{ text: 'hello' }] }],
    });
    const cache = new PromptCache();
    const first = withTools('Search partners.');
    const written = cache.account(sonnet, first, total(first));
    written.commit();
    expect(written.usage.cacheWriteInputTokens).toBeGreaterThan(1_100);
    expect(cache.account(sonnet, first, total(first)).usage.cacheReadInputTokens).toBe(
      written.usage.cacheWriteInputTokens,
    );
    const changed = withTools('Search the partner roster.');
    expect(cache.account(sonnet, changed, total(changed)).usage.cacheReadInputTokens).toBe(0);
  });

  test('a structured-output schema is part of the prefix: another schema misses', () => {
    const cache = new PromptCache();
    const withSchema = (schema: object): ConverseRequest => ({
      ...request(2_000, 'q'),
      additionalModelRequestFields: { output_config: { format: { type: 'json_schema', schema } } },
    });
    const first = withSchema({ type: 'object', properties: { title: { type: 'string' } } });
    cache.account(sonnet, first, total(first)).commit();
    expect(cache.account(sonnet, first, total(first)).usage.cacheReadInputTokens).toBeGreaterThan(0);
    const other = withSchema({ type: 'object', properties: { summary: { type: 'string' } } });
    expect(cache.account(sonnet, other, total(other)).usage.cacheReadInputTokens).toBe(0);
  });

  test('the longest cached prefix is read and only the rest is written', () => {
    const cache = new PromptCache();
    const turn1: ConverseRequest = {
      system: [{ text: textOf(1_200) }, cachePoint],
      messages: [{ role: 'user', content: [{ text: textOf(1_100) }, cachePoint] }],
    };
    const first = cache.account(sonnet, turn1, total(turn1));
    first.commit();
    const turn2: ConverseRequest = {
      ...turn1,
      messages: [
        { role: 'user', content: [{ text: textOf(1_100) }, cachePoint] },
        { role: 'assistant', content: [{ text: textOf(1_100, 'b') }] },
        { role: 'user', content: [{ text: 'next question' }, cachePoint] },
      ],
    };
    const second = cache.account(sonnet, turn2, total(turn2));
    expect(second.usage.cacheReadInputTokens).toBe(first.usage.cacheWriteInputTokens);
    expect(second.usage.cacheWriteInputTokens).toBeGreaterThanOrEqual(1_100);
    expect(second.usage.inputTokens + second.usage.cacheReadInputTokens + second.usage.cacheWriteInputTokens).toBe(
      total(turn2),
    );
  });

  test('more than 4 cache points is a validation error, as on Bedrock', () => {
    const body: ConverseRequest = {
      system: [{ text: 'a' }, cachePoint, cachePoint, cachePoint],
      messages: [{ role: 'user', content: [{ text: 'b' }, cachePoint, cachePoint] }],
    };
    expect(() => new PromptCache().account(sonnet, body, total(body))).toThrow(TooManyCachePointsError);
  });
});
