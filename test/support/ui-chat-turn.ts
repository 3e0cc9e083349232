/**
 * One Nelson turn as useChat performs it: DefaultChatTransport sends the messages, readUIMessageStream assembles
 * the assistant message. Stream errors are kept, not thrown, so a caller can assert on them. No imports of the
 * stores or the stack: the integration tests, the deployed checks and the benchmarks all use it.
 */
import { randomUUID } from 'node:crypto';
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';

export interface ChatEndpoint {
  baseUrl: string;
  headers: Record<string, string>;
  /** The request body's extra fields (e.g. `currentRoute`). */
  body?: Record<string, unknown>;
  fetch?: typeof fetch;
}

export const userMessage = (text: string): UIMessage => ({
  id: randomUUID(),
  role: 'user',
  parts: [{ type: 'text', text }],
});

export async function sendChatTurn(endpoint: ChatEndpoint, messages: UIMessage[]) {
  const transport = new DefaultChatTransport({
    api: `${endpoint.baseUrl}/api/ai/chat`,
    headers: endpoint.headers,
    body: endpoint.body ?? {},
    ...(endpoint.fetch ? { fetch: endpoint.fetch } : {}),
  });
  const stream = await transport.sendMessages({
    chatId: randomUUID(),
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
    messages,
  });
  const errors: Error[] = [];
  let message: UIMessage | undefined;
  for await (const state of readUIMessageStream({ stream, onError: (error) => errors.push(error as Error) })) {
    message = state;
  }
  return { message, errors };
}

export const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
