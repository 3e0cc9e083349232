/** One Nelson turn against the local stack as a test tenant (support/ui-chat-turn.ts), keeping stream errors. */
import type { UIMessage } from 'ai';
import type { RunningLocalStack } from '../../local/local-stack.ts';
import { bearer, type TestTenant } from './tenants.ts';
import { sendChatTurn } from './ui-chat-turn.ts';

export { textOf, userMessage } from './ui-chat-turn.ts';

export const chatTurn = (stack: RunningLocalStack, tenant: TestTenant, messages: UIMessage[], currentRoute?: string) =>
  sendChatTurn(
    { baseUrl: stack.baseUrl, headers: bearer(tenant), body: currentRoute === undefined ? {} : { currentRoute } },
    messages,
  );
