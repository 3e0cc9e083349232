/**
 * Converse request → OpenAI-compatible `/chat/completions` request (llama.cpp server, Ollama, vLLM, LM Studio…).
 * Only text, tool calls and tool results are translated; images and documents are dropped because the
 * PartnerOS API never sends them.
 */
import { messageText, systemText } from './conversation.ts';
import type { ConverseRequest } from './converse-types.ts';
import { JSON_RESPONSE_TOOL_NAME, type StructuredOutputRequest } from './structured-output.ts';

export interface ChatCompletionsRequest {
  model: string;
  messages: Array<Record<string, unknown>>;
  stream: true;
  stream_options: { include_usage: true };
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters: unknown } }>;
  tool_choice?: unknown;
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: unknown; strict: boolean } };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
}

export function toChatCompletionsRequest(
  request: ConverseRequest,
  model: string,
  structured: StructuredOutputRequest | undefined,
): ChatCompletionsRequest {
  // The provider's `json` tool is its way of asking for structured output; OpenAI servers get response_format.
  const tools = (request.toolConfig?.tools ?? [])
    .map((tool) => tool.toolSpec)
    .filter((spec) => !(structured?.via === 'json-tool' && spec.name === JSON_RESPONSE_TOOL_NAME))
    .map((spec) => ({
      type: 'function' as const,
      function: {
        name: spec.name,
        ...(spec.description ? { description: spec.description } : {}),
        parameters: spec.inputSchema.json,
      },
    }));

  let system = systemText(request);
  let responseFormat: ChatCompletionsRequest['response_format'];
  if (structured && tools.length === 0) {
    responseFormat = {
      type: 'json_schema',
      json_schema: { name: 'response', schema: structured.schema, strict: false },
    };
  } else if (structured && structured.via !== 'json-instruction') {
    // Several local servers refuse tools and a grammar-constrained response_format together, so with tools
    // the schema travels as an instruction (the same fallback the provider uses for some Claude models).
    system =
      `${system}\n\nWhen you answer without calling a tool, answer with only a JSON object that matches this JSON schema:\n${JSON.stringify(structured.schema)}`.trim();
  }

  const inference = request.inferenceConfig ?? {};
  return {
    model,
    messages: [...(system ? [{ role: 'system', content: system }] : []), ...toChatMessages(request)],
    stream: true,
    stream_options: { include_usage: true },
    ...(tools.length > 0 ? { tools, tool_choice: toToolChoice(request, structured) } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(inference.maxTokens != null ? { max_tokens: inference.maxTokens } : {}),
    ...(inference.temperature != null ? { temperature: inference.temperature } : {}),
    ...(inference.topP != null ? { top_p: inference.topP } : {}),
    ...(inference.stopSequences != null ? { stop: inference.stopSequences } : {}),
  };
}

function toChatMessages(request: ConverseRequest): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [];
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      const toolCalls = message.content.flatMap((block) =>
        block.toolUse
          ? [
              {
                id: block.toolUse.toolUseId,
                type: 'function',
                function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
              },
            ]
          : [],
      );
      messages.push({
        role: 'assistant',
        content: messageText(message) || null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
      continue;
    }
    // Tool results come first: they answer the assistant message right before this one.
    for (const block of message.content) {
      if (!block.toolResult) continue;
      const content = (block.toolResult.content ?? [])
        .map((part) => part.text ?? (part.json !== undefined ? JSON.stringify(part.json) : ''))
        .join('\n');
      messages.push({ role: 'tool', tool_call_id: block.toolResult.toolUseId, content });
    }
    const text = messageText(message);
    if (text) messages.push({ role: 'user', content: text });
  }
  return messages;
}

function toToolChoice(request: ConverseRequest, structured: StructuredOutputRequest | undefined): unknown {
  const choice = request.toolConfig?.toolChoice;
  if (choice && 'tool' in choice) return { type: 'function', function: { name: choice.tool.name } };
  // `any` was only forced so the model would call the json tool; with that tool gone, tools become optional.
  if (choice && 'any' in choice) return structured?.via === 'json-tool' ? 'auto' : 'required';
  return 'auto';
}
