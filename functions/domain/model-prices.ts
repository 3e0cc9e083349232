/**
 * Model token prices in one place: USD per million tokens, Amazon Bedrock on-demand list prices for the models the
 * stack uses (global cross-region inference profiles, which cost the same as in-region on-demand), as published
 * for Claude Sonnet 4.5 and Haiku 4.5, taken on 2026-12-04 and not checked live since: check the Bedrock pricing
 * page before relying on them. Cache writes are the 5-minute TTL's price (1.25 × input), cache reads 0.1 × input.
 */

export interface ModelTokenPrices {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export const modelPricesDate = '2026-12-04';

/** By model family; ids carry a region or inference-profile prefix and a version suffix, so they are matched. */
const pricesByFamily: ReadonlyArray<readonly [pattern: RegExp, prices: ModelTokenPrices]> = [
  [/claude-sonnet-4-5/, { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 }],
  [/claude-haiku-4-5/, { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }],
  [/titan-embed-text-v2/, { input: 0.02, output: 0, cacheWrite: 0, cacheRead: 0 }],
];

export function modelTokenPrices(modelId: string): ModelTokenPrices | undefined {
  return pricesByFamily.find(([pattern]) => pattern.test(modelId))?.[1];
}

export interface TokenUsage {
  /** Input tokens neither read from nor written to the prompt cache. */
  inputTokens: number;
  cacheWriteInputTokens: number;
  cacheReadInputTokens: number;
  outputTokens: number;
}

/** USD for one model call's tokens; throws for a model without prices, so a new model cannot be costed as free. */
export function tokenCostUsd(modelId: string, usage: TokenUsage): number {
  const prices = modelTokenPrices(modelId);
  if (!prices) throw new Error(`No token prices for model ${modelId}`);
  return (
    (usage.inputTokens * prices.input +
      usage.cacheWriteInputTokens * prices.cacheWrite +
      usage.cacheReadInputTokens * prices.cacheRead +
      usage.outputTokens * prices.output) /
    1_000_000
  );
}
