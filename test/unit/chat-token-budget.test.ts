import { describe, expect, test } from '@jest/globals';
import {
  chatTokenBudget,
  estimateMessageTokens,
  estimateTokens,
  trimToTokenBudget,
} from '../../functions/domain/chat/token-budget.ts';

interface Message {
  role: 'user' | 'assistant';
  text: string;
}

const message = (role: Message['role'], tokens: number, label = ''): Message => ({
  role,
  text: label.padEnd(tokens * 4, '.'),
});
/** Cost = text length / 4, so the tests can count in tokens. */
const measure = (entry: Message) => estimateTokens(entry.text);

const alternating = (count: number, tokensEach: number) =>
  Array.from({ length: count }, (_, index) => message(index % 2 === 0 ? 'user' : 'assistant', tokensEach, `#${index}`));

describe('estimates', () => {
  test('about four characters per token, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });

  test('a message is measured as its JSON, so ids and part types count too', () => {
    const uiMessage = { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'x'.repeat(400) }] };
    expect(estimateMessageTokens(uiMessage)).toBe(Math.ceil(JSON.stringify(uiMessage).length / 4));
    expect(estimateMessageTokens(uiMessage)).toBeGreaterThan(100);
  });

  test('the budget is a constant of the domain', () => {
    expect(chatTokenBudget).toBe(24_000);
  });
});

describe('trimToTokenBudget', () => {
  test('a conversation within budget is sent whole', () => {
    const messages = alternating(5, 10);
    expect(trimToTokenBudget(messages, 100, measure)).toEqual({ messages, dropped: 0, estimatedTokens: 50 });
  });

  test('drops the oldest messages first and keeps the newest contiguous window', () => {
    const messages = alternating(9, 10);
    const trimmed = trimToTokenBudget(messages, 55, measure);
    expect(trimmed.messages).toEqual(messages.slice(-5));
    expect(trimmed.dropped).toBe(4);
    expect(trimmed.estimatedTokens).toBe(50);
  });

  test('the kept window starts with a user message (Bedrock rejects an assistant opening)', () => {
    const messages = alternating(9, 10);
    // 40 tokens would fit the last four messages, which would open with an assistant message.
    const trimmed = trimToTokenBudget(messages, 40, measure);
    expect(trimmed.messages[0]?.role).toBe('user');
    expect(trimmed.messages).toEqual(messages.slice(-3));
    expect(trimmed.estimatedTokens).toBe(30);
  });

  test('stops at the first message that does not fit, even if older ones would', () => {
    const messages = [message('user', 1, 'old'), message('assistant', 100, 'huge'), message('user', 5, 'new')];
    expect(trimToTokenBudget(messages, 50, measure).messages).toEqual([messages[2]]);
  });

  test('always keeps the last message, even alone over budget, and reports its size', () => {
    const messages = [message('user', 10), message('assistant', 10), message('user', 500, 'question')];
    const trimmed = trimToTokenBudget(messages, 100, measure);
    expect(trimmed.messages).toEqual([messages[2]]);
    expect(trimmed.estimatedTokens).toBe(500);
    expect(trimmed.dropped).toBe(2);
  });

  test('300 messages of 2 KB fit the default budget after trimming', () => {
    const messages = alternating(301, 512);
    const trimmed = trimToTokenBudget(messages, chatTokenBudget, measure);
    expect(trimmed.estimatedTokens).toBeLessThanOrEqual(chatTokenBudget);
    expect(trimmed.messages.at(-1)).toBe(messages.at(-1));
    expect(trimmed.messages.length + trimmed.dropped).toBe(301);
    expect(trimmed.messages.length).toBeGreaterThan(40);
  });

  test('an empty conversation stays empty', () => {
    expect(trimToTokenBudget([], 100, measure)).toEqual({ messages: [], dropped: 0, estimatedTokens: 0 });
  });
});
