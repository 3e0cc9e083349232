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
