import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  convertToModelMessages,
  Output,
  pipeTextStreamToResponse,
  pipeUIMessageStreamToResponse,
  stepCountIs,
  streamText,
  type ToolSet,
  toTextStream,
  toUIMessageStream,
  type UIMessage,
} from 'ai';
import type { z } from 'zod';
import type { languageModel } from '../../functions/ai/models.ts';
import { chatSystemPrompt } from '../../functions/domain/chat/system-prompt.ts';
import { type IcpResult, icpPrompt, icpResultSchema, icpSystemPrompt } from '../../functions/domain/strategy/icp.ts';
import { type IppResult, ippPrompt, ippResultSchema, ippSystemPrompt } from '../../functions/domain/strategy/ipp.ts';
import {
  type PartnerSuggestionsRequest,
  partnerSuggestionSchema,
  partnerSuggestionsPrompt,
  partnerSuggestionsSystemPrompt,
} from '../../functions/domain/strategy/partner-suggestions.ts';
import {
  partnerTypeResultSchema,
  partnerTypesPrompt,
  partnerTypesSystemPrompt,
} from '../../functions/domain/strategy/partner-types.ts';

/**
 * What an API route reads from DynamoDB (and the embedding model) before its model call. The floor has no
 * database: the benchmark reads these once, untimed, and hands them over, so both build the same prompt.
 */
export interface FloorGrounding {
  /** Partner types: the organisation's current ICP and IPP, and its retrieved knowledge formatted for the prompt. */
  partnerTypes?: { icp: IcpResult; ipp: IppResult; knowledge: string };
  /** Partner suggestions, for the prospect the benchmark posts: the active roster and knowledge, formatted. */
  partnerSuggestions?: { roster: string; knowledge: string };
  /** Chat: the organisation name of the system prompt, and Nelson's tools (offered to the model, not executed). */
  chat?: { organisationName: string; tools: ToolSet };
}

export interface StreamFloor {
  /** The floor answers on the API's own paths. */
  url(path: string): URL;
  grounding: FloorGrounding;
  stop(): Promise<void>;
}

type FloorRoute = (body: unknown, response: http.ServerResponse) => Promise<void>;

/** Nelson's step limit (functions/api/routes/chat.ts). */
const chatMaxSteps = 5;

/**
 * The lowest TTFB each streaming endpoint can have on this machine: a bare node:http server that runs the same
 * AI SDK call as the API route (the product's own model: same id from cdk.json, same local Bedrock endpoint; same
 * schema and prompts) and pipes the same kind of stream to the response. No Function URL shim, middy, auth,
 * validation, quota, cache or DynamoDB. Start it after the stack, whose environment names the models.
 */
export async function startStreamFloor(): Promise<StreamFloor> {
  // Imported only now: the handlers' logger, which these load, reads its level from the stack's environment.
  const [{ languageModel: model }, { afterFirstModelOutput }] = await Promise.all([
    import('../../functions/ai/models.ts'),
    import('../../functions/ai/chat-first-output.ts'),
  ]);
  const grounding: FloorGrounding = {};
  const needs = <Value>(value: Value | undefined, what: string): Value => {
    if (value === undefined) throw new Error(`The floor has no ${what} grounding yet`);
    return value;
  };

  /** A text stream of one JSON object (useObject), as functions/ai/stream-structured-output.ts streams it. */
  const objectRoute =
    (
      purpose: Parameters<typeof languageModel>[0],
      schema: z.ZodType,
      system: string,
      prompt: (body: unknown) => string,
    ): FloorRoute =>
    async (body, response) => {
      const output = Output.object({ schema });
      const result = streamText({ model: model(purpose), output, system, prompt: prompt(body) });
      await pipeTextStreamToResponse({ response, stream: toTextStream({ stream: result.stream }) });
    };
  const routes: Record<string, FloorRoute> = {
    '/api/ai/icp': objectRoute('icp', icpResultSchema, icpSystemPrompt, (body) =>
      icpPrompt((body as { company: string }).company),
    ),
    '/api/ai/ipp': objectRoute('ipp', ippResultSchema, ippSystemPrompt, (body) => {
      const { icp, domain } = body as { icp: IcpResult; domain: string };
      return ippPrompt(domain, icp);
    }),
    '/api/ai/strategy/partner-types': objectRoute(
      'partnerTypes',
      partnerTypeResultSchema,
      partnerTypesSystemPrompt,
      () => {
        const { icp, ipp, knowledge } = needs(grounding.partnerTypes, 'partner-types');
        return partnerTypesPrompt(icp, ipp, knowledge);
      },
    ),
    // A JSON array written one complete element at a time, the framing of streamStructuredArray.
    '/api/ai/partner-suggestions': async (body, response) => {
      const { roster, knowledge } = needs(grounding.partnerSuggestions, 'partner-suggestions');
      const result = streamText({
        model: model('partnerSuggestions'),
        output: Output.array({ element: partnerSuggestionSchema }),
        system: partnerSuggestionsSystemPrompt,
        prompt: partnerSuggestionsPrompt(body as PartnerSuggestionsRequest, roster, knowledge),
      });
      await pipeTextStreamToResponse({ response, stream: result.elementStream.pipeThrough(jsonArrayText()) });
    },
    // The UI message stream of useChat: streamText → toUIMessageStream → JsonToSseTransformStream (inside pipe…).
    '/api/ai/chat': async (body, response) => {
      const { organisationName, tools } = needs(grounding.chat, 'chat');
      const { messages } = body as { messages: UIMessage[] };
      const result = streamText({
        model: model('chat'),
        instructions: chatSystemPrompt({ organisationName, now: new Date().toISOString() }),
        messages: await convertToModelMessages(messages, { tools }),
        tools,
        stopWhen: stepCountIs(chatMaxSteps),
      });
      // The API's own first-output wait, so the floor's first body byte marks the same event as the API's.
      const chunks = await afterFirstModelOutput(
        toUIMessageStream({ stream: result.stream, tools }),
        new AbortController().signal,
      );
      await pipeUIMessageStreamToResponse({ response, stream: chunks });
    },
  };

  const server = http.createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  async function serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
    const route = routes[new URL(request.url ?? '/', 'http://floor').pathname];
    if (request.method !== 'POST' || !route) {
      response.writeHead(404).end();
      return;
    }
    await route(JSON.parse(Buffer.concat(parts).toString('utf8')), response);
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => new URL(path, `http://127.0.0.1:${port}`),
    grounding,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `[` before the first element, `,` before every later one, `]` at the end (`[]` when there is none). */
function jsonArrayText<Element>(): TransformStream<Element, string> {
  let written = 0;
  return new TransformStream<Element, string>({
    transform(element, controller) {
      controller.enqueue(`${written++ === 0 ? '[' : ','}${JSON.stringify(element)}`);
    },
    flush(controller) {
      controller.enqueue(written === 0 ? '[]' : ']');
    },
  });
}
