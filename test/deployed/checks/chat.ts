/**
 * Nelson as useChat runs it: DefaultChatTransport sends the turn, readUIMessageStream assembles the message.
 *
 * Whether a model calls a tool is its own decision. The offline model (local/bedrock) always does when the
 * question names a tool's words, and marks its text `[offline]`, so with it the tool call is required; a real
 * model may answer without one, and then only the protocol is checked.
 */
import { sendChatTurn, textOf, userMessage } from '../../support/ui-chat-turn.ts';
import { authorization } from '../api-client.ts';
import { must } from '../harness.ts';
import type { RunContext } from '../run-context.ts';

interface ToolPart {
  type: string;
  state?: string;
  output?: unknown;
}

export async function chatChecks({ checks, api }: RunContext): Promise<void> {
  await checks.run('POST /api/ai/chat: a UI message stream with text and a searchPartners tool call', async () => {
    let protocol: string | null = null;
    const { message, errors } = await sendChatTurn(
      {
        baseUrl: api.baseUrl,
        headers: authorization(api),
        body: { currentRoute: '/partners' },
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          protocol = response.headers.get('x-vercel-ai-ui-message-stream');
          return response;
        },
      },
      [userMessage('Search our partners: who are our partners?')],
    );
    must(protocol === 'v1', `x-vercel-ai-ui-message-stream is ${JSON.stringify(protocol)}, expected v1`);
    must(errors.length === 0, `stream errors: ${errors.map(String).join('; ')}`);
    must(message?.role === 'assistant', 'no assistant message');
    const text = textOf(message);
    must(text.trim().length > 0, 'the answer has no text');
    const tools = message.parts.filter((part) => part.type.startsWith('tool-')) as unknown as ToolPart[];
    for (const tool of tools) {
      must(tool.state === 'output-available', `${tool.type} ended in state ${tool.state}`);
    }
    const search = tools.find((tool) => tool.type === 'tool-searchPartners');
    if (text.includes('[offline]')) {
      must(search, 'the offline model answered without calling searchPartners');
      must(typeof (search.output as { totalMatches?: unknown })?.totalMatches === 'number', 'no totalMatches');
      return 'offline model: searchPartners called and its result returned';
    }
    return tools.length > 0
      ? `real model: called ${tools.map((tool) => tool.type.slice('tool-'.length)).join(', ')}`
      : 'real model: answered without a tool (allowed; only the offline model is made to call one)';
  });
}
