import { describe, expect, test } from '@jest/globals';
import { usageOfEmbedding, usageOfModelCall } from '../../functions/domain/usage/model-usage.ts';

describe('usage counts of one model call', () => {
  test('takes input, output and prompt-cache tokens as the AI SDK reports them', () => {
    expect(
      usageOfModelCall({
        inputTokens: 1200,
        outputTokens: 340,
        inputTokenDetails: { cacheReadTokens: 800, cacheWriteTokens: 64 },
      }),
    ).toEqual({ inputTokens: 1200, outputTokens: 340, cacheReadTokens: 800, cacheWriteTokens: 64, modelCalls: 1 });
  });

  test('counts what a provider leaves out, or reports as nonsense, as 0', () => {
    expect(usageOfModelCall({ inputTokens: undefined, outputTokens: Number.NaN })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      modelCalls: 1,
    });
    expect(usageOfModelCall({ inputTokens: -5, outputTokens: 2.6 })).toMatchObject({ inputTokens: 0, outputTokens: 3 });
  });

  test('an embedding request counts its input tokens only', () => {
    expect(usageOfEmbedding(512)).toEqual({
      inputTokens: 512,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      modelCalls: 1,
    });
  });
});
