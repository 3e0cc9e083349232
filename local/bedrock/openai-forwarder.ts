/**
 * A model generator that forwards Converse / ConverseStream to a user-run OpenAI-compatible server
 * (`LOCAL_MODEL_OPENAI_BASE_URL`, e.g. llama.cpp, Ollama or vLLM) and turns its SSE chunks back into
 * generator events, so the Bedrock provider sees a real model's output in Bedrock's wire format.
 */
import {
  type ConverseRequest,
  type GenerateContext,
  type ModelEvent,
  type ModelGenerator,
  ModelGeneratorError,
  type StopReason,
} from './converse-types.ts';
import { toChatCompletionsRequest } from './openai-request.ts';
import { detectStructuredOutput, JSON_RESPONSE_TOOL_NAME } from './structured-output.ts';

export interface OpenAIForwarderOptions {
  /** Base URL that `/chat/completions` is appended to, e.g. http://127.0.0.1:8080/v1. */
  baseURL: string;
  apiKey?: string;
  /** Model name sent upstream; defaults to the Bedrock model id of each request. */
  model?: string;
  fetch?: typeof globalThis.fetch;
}

interface ChatCompletionChunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  /** Some servers report failures after the stream started as an `error` event. */
  error?: { message?: string };
}

export function createOpenAIForwarder(options: OpenAIForwarderOptions): ModelGenerator {
  const url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    name: 'openai-forwarder',
    generate: (request, context) => forward(request, context),
  };

  async function* forward(request: ConverseRequest, context: GenerateContext): AsyncGenerator<ModelEvent> {
    const structured = detectStructuredOutput(request);
    const body = toChatCompletionsRequest(request, options.model ?? context.modelId, structured);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: context.signal,
      });
    } catch (error) {
      throw new ModelGeneratorError('unavailable', `Local model server ${url} is unreachable: ${String(error)}`);
    }
    if (!response.ok || !response.body) {
      const detail = (await response.text().catch(() => '')).slice(0, 500);
      throw new ModelGeneratorError(
        errorKindFor(response.status),
        `Local model server answered ${response.status}: ${detail}`,
      );
    }

    // Structured output requested through the provider's json tool must come back as that tool's input.
    const answerAsJsonTool = structured?.via === 'json-tool';
    let jsonToolStarted = false;
    let currentToolIndex: number | undefined;
    let finishReason: string | undefined;
    let usage: { inputTokens: number; outputTokens: number } | undefined;

    for await (const chunk of readServerSentEvents(response.body)) {
      if (chunk.error)
        throw new ModelGeneratorError('internal', `Local model failed: ${chunk.error.message ?? 'unknown error'}`);
      if (chunk.usage) {
        usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const content = choice.delta?.content;
      if (typeof content === 'string' && content.length > 0) {
        if (answerAsJsonTool) {
          if (!jsonToolStarted) {
            jsonToolStarted = true;
            yield { type: 'tool-start', toolUseId: 'tooluse_json_response', name: JSON_RESPONSE_TOOL_NAME };
          }
          yield { type: 'tool-input', delta: content };
        } else {
          yield { type: 'text', delta: content };
        }
      }
      // Tool calls are assumed to stream one after another (as the servers above do), not interleaved.
      for (const call of choice.delta?.tool_calls ?? []) {
        const index = call.index ?? 0;
        if (index !== currentToolIndex) {
          currentToolIndex = index;
          yield {
            type: 'tool-start',
            toolUseId: call.id ?? `tooluse_${index}`,
            name: call.function?.name ?? 'unknown_tool',
          };
        }
        if (call.function?.arguments) yield { type: 'tool-input', delta: call.function.arguments };
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }

    yield { type: 'finish', stopReason: toStopReason(finishReason, jsonToolStarted), ...(usage ? { usage } : {}) };
  }
}

function errorKindFor(status: number): ModelGeneratorError['kind'] {
  if (status === 429) return 'throttle';
  if (status >= 500) return 'unavailable';
  return 'validation';
}

function toStopReason(finishReason: string | undefined, answeredWithJsonTool: boolean): StopReason {
  if (finishReason === 'tool_calls' || finishReason === 'function_call' || answeredWithJsonTool) return 'tool_use';
  if (finishReason === 'length') return 'max_tokens';
  return 'end_turn';
}

/** Parses `data: {...}` server-sent events until `data: [DONE]` or the end of the body. */
async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChatCompletionChunk> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line.startsWith('data:')) continue;
        const data = line.slice('data:'.length).trim();
        if (data === '[DONE]') return;
        yield parseChunk(data);
      }
    }
  } finally {
    // Releases the upstream connection when we stop early ([DONE], client gone, or an error).
    await reader.cancel().catch(() => {});
  }
}

function parseChunk(data: string): ChatCompletionChunk {
  try {
    return JSON.parse(data) as ChatCompletionChunk;
  } catch {
    throw new ModelGeneratorError('internal', `Local model server sent an unparsable event: ${data.slice(0, 200)}`);
  }
}
