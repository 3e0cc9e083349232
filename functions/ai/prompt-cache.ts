/**
 * Bedrock prompt caching through the AI SDK: a cache point ends a prefix that Bedrock bills once at the
 * cache-write price and then, for 5 minutes from each use, at the cache-read price (a tenth of the input price).
 * A prefix is tools → system → messages up to the cache point, so a cache point on the system prompt also covers
 * the tool definitions (the provider cannot put one among the tools). Below the model's minimum (1,024 tokens for
 * Claude Sonnet 4.5, 4,096 for Haiku 4.5) Bedrock ignores a cache point and bills the prompt as usual, so marking
 * a short prefix costs nothing.
 */
import type { ModelMessage, SystemModelMessage } from 'ai';
import { environment } from '../runtime/environment.ts';

type ProviderOptions = NonNullable<SystemModelMessage['providerOptions']>;

const cachePoint: ProviderOptions = { bedrock: { cachePoint: { type: 'default' } } };

/**
 * Bedrock's minimum tokens per cache point by model family (ids carry a region or inference-profile prefix); a
 * prefix below it is not cached. Unknown models are taken as not caching.
 */
const cacheMinimumTokens: ReadonlyArray<readonly [pattern: RegExp, tokens: number]> = [
  [/claude-(opus-4-[5-9]|haiku-4-5)/, 4_096],
  [/claude-(sonnet-4|opus-4|3-7-sonnet)/, 1_024],
  [/claude-3-5-haiku/, 2_048],
];

export function minimumCacheTokens(modelId: string): number | undefined {
  return cacheMinimumTokens.find(([pattern]) => pattern.test(modelId))?.[1];
}

/** `PROMPT_CACHING=off` turns cache points off everywhere (the benchmark's uncached baseline). */
export function promptCachingEnabled(): boolean {
  return environment().PROMPT_CACHING === 'on';
}

/** Provider options that end a cached prefix on the message or part they are set on; none when caching is off. */
export function cachePointOptions(enabled: boolean): ProviderOptions | undefined {
  return enabled ? cachePoint : undefined;
}

/**
 * Cache points on the last two user messages of a conversation. The last one ends the prefix that later steps of
 * this answer (after a tool call) and the next turn repeat; the one before it is where the previous turn wrote its
 * prefix, so this turn reads it. With the system prompt's, that is 3 of Bedrock's 4 cache points per request.
 */
export function withConversationCachePoints(messages: ModelMessage[], enabled: boolean): ModelMessage[] {
  const options = cachePointOptions(enabled);
  if (!options) return messages;
  const userIndexes = messages.flatMap((message, index) => (message.role === 'user' ? [index] : [])).slice(-2);
  return messages.map((message, index) =>
    userIndexes.includes(index)
      ? ({ ...message, providerOptions: { ...message.providerOptions, ...options } } as ModelMessage)
      : message,
  );
}
