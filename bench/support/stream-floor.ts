// The lowest TTFB each streaming endpoint can have on this machine: a bare node:http server running the route's own
// AI SDK call (model id from cdk.json, local Bedrock endpoint, schema, prompts), piped as the same kind of stream.
// No Function URL shim, middy, auth, validation, quota, cache or DynamoDB.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from 'node:stream/consumers';
import * as ai from 'ai';
import type { z } from 'zod';
import type { languageModel } from '../../functions/ai/models.ts';
import { chatSystemPrompt } from '../../functions/domain/chat/system-prompt.ts';
import { chatMaxSteps } from '../../functions/domain/chat/token-budget.ts';

type Purpose = Parameters<typeof languageModel>[0];
export type StreamFloor = Awaited<ReturnType<typeof startStreamFloor>>;

/** Start it after the stack, whose environment names the models. Each route is served on the API's own path. */
export async function startStreamFloor() {
  // Imported only now: the handlers' logger, which these load, reads its level from the stack's environment.
  const [{ languageModel: model }, { afterFirstModelOutput }, { streamStructuredArray }] = await Promise.all([
    import('../../functions/ai/models.ts'),
    import('../../functions/ai/chat-first-output.ts'),
    import('../../functions/ai/stream-structured-output.ts'),
  ]);
  const routes = new Map<string, (body: unknown, response: http.ServerResponse) => Promise<void>>();
  const server = http.createServer(async (request, response) => {
    try {
      const body = await json(request);
      const route = request.method === 'POST' ? routes.get(request.url ?? '') : undefined;
      if (!route) return void response.writeHead(404).end();
      await route(body, response);
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    }
  });
  await once(server.listen(0, '127.0.0.1'), 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: (path: string) => new URL(path, origin),
    /** A text stream of one JSON object (useObject), as functions/ai/stream-structured-output.ts streams it. */
    object<Body>(path: string, purpose: Purpose, schema: z.ZodType, system: string, prompt: (body: Body) => string) {
      routes.set(path, async (body, response) => {
        const output = ai.Output.object({ schema });
        const result = ai.streamText({ model: model(purpose), output, system, prompt: prompt(body as Body) });
        await ai.pipeTextStreamToResponse({ response, stream: ai.toTextStream({ stream: result.stream }) });
      });
    },
    /** A JSON array written one complete element at a time: the route's own streamStructuredArray. */
    array<Body>(path: string, purpose: Purpose, schema: z.ZodType, system: string, prompt: (body: Body) => string) {
      routes.set(path, async (body, response) => {
        const call = { model: model(purpose), schema, system, prompt: prompt(body as Body) };
        const array = await streamStructuredArray(call);
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        for await (const chunk of array) response.write(chunk);
        response.end();
      });
    },
    /** The UI message stream of useChat: streamText → toUIMessageStream → JsonToSseTransformStream (inside pipe…). */
    chat(path: string, organisationName: string, tools: ai.ToolSet) {
      routes.set(path, async (body, response) => {
        const result = ai.streamText({
          model: model('chat'),
          instructions: chatSystemPrompt({ organisationName, now: new Date().toISOString() }),
          messages: await ai.convertToModelMessages((body as { messages: ai.UIMessage[] }).messages, { tools }),
          tools,
          stopWhen: ai.stepCountIs(chatMaxSteps),
        });
        // The API's own first-output wait, so the floor's first body byte marks the same event as the API's.
        const stream = ai.toUIMessageStream({ stream: result.stream, tools });
        const chunks = await afterFirstModelOutput(stream, new AbortController().signal);
        await ai.pipeUIMessageStreamToResponse({ response, stream: chunks });
      });
    },
    async stop() {
      server.closeAllConnections();
      await once(server.close(), 'close');
    },
  };
}
