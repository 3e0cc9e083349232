/** Where Nelson's conversation gets its cache points: the last two user messages, nothing when caching is off. */
import { describe, expect, test } from '@jest/globals';
import type { ModelMessage } from 'ai';
import { minimumCacheTokens, withConversationCachePoints } from '../../functions/ai/prompt-cache.ts';
import { minimumCacheTokens as simulatedMinimum } from '../../local/bedrock/prompt-cache.ts';

const user = (text: string): ModelMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): ModelMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });
const toolResult: ModelMessage = {
  role: 'tool',
  content: [
    { type: 'tool-result', toolCallId: 'call-1', toolName: 'searchPartners', output: { type: 'json', value: [] } },
  ],
};
const cachePoint = { bedrock: { cachePoint: { type: 'default' } } };

const marked = (messages: ModelMessage[]) =>
  messages.flatMap((message, index) => (message.providerOptions ? [index] : []));

describe('withConversationCachePoints', () => {
  test('marks the previous and the last user message, never tool results or answers', () => {
    const conversation = [
      user('one'),
      assistant('a'),
      toolResult,
      assistant('b'),
      user('two'),
      assistant('c'),
      user('three'),
    ];
    const cached = withConversationCachePoints(conversation, true);
    expect(marked(cached)).toEqual([4, 6]);
    expect(cached[6]?.providerOptions).toEqual(cachePoint);
    // The input is left as it was: the same UI history is converted again on the next request.
    expect(marked(conversation)).toEqual([]);
  });

  test('a first turn has one user message, and gets one cache point', () => {
    expect(marked(withConversationCachePoints([user('hello')], true))).toEqual([0]);
  });

  test('with caching off nothing is marked', () => {
    expect(marked(withConversationCachePoints([user('one'), assistant('a'), user('two')], false))).toEqual([]);
  });
});

describe('minimumCacheTokens', () => {
  test('the product expects the minimums the local Bedrock endpoint simulates, per model id', () => {
    const ids = [
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      'us.anthropic.claude-opus-4-5-20251101-v1:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'amazon.titan-text-express-v1',
    ];
    expect(ids.map(minimumCacheTokens)).toEqual([1_024, 4_096, 4_096, 2_048, undefined]);
    expect(ids.map(simulatedMinimum)).toEqual(ids.map(minimumCacheTokens));
  });
});
