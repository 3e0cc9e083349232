/** One Nelson turn as useChat performs it (DefaultChatTransport + readUIMessageStream), keeping stream errors. */
import { randomUUID } from 'node:crypto';
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';
import type { RunningLocalStack } from '../../local/local-stack.ts';
import { bearer, type TestTenant } from './tenants.ts';

export const userMessage = (text: string): UIMessage => ({
  id: randomUUID(),
  role: 'user',
  parts: [{ type: 'text', text }],
});

export async function chatTurn(
  stack: RunningLocalStack,
  tenant: TestTenant,
  messages: UIMessage[],
  currentRoute?: string,
) {
  const transport = new DefaultChatTransport({
    api: `${stack.baseUrl}/api/ai/chat`,
    headers: bearer(tenant),
    body: currentRoute === undefined ? {} : { currentRoute },
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
