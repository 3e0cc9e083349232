import {
  convertToModelMessages,
  JsonToSseTransformStream,
  type SystemModelMessage,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
  toUIMessageStream,
  UI_MESSAGE_STREAM_HEADERS,
} from 'ai';
import { afterFirstModelOutput, chatErrorText } from '../../ai/chat-first-output.ts';
import { languageModel, modelId } from '../../ai/models.ts';
import { cachePointOptions, promptCachingEnabled, withConversationCachePoints } from '../../ai/prompt-cache.ts';
import { recordModelUsage } from '../../ai/record-usage.ts';
import { type ChatTools, createChatTools } from '../../chat/chat-tools.ts';
import { chatStepMaxOutputTokens } from '../../domain/ai-limits.ts';
import { type ChatMessage, chatRequestSchema, validateChatMessages } from '../../domain/chat/chat-request.ts';
import { chatSystemPromptParts } from '../../domain/chat/system-prompt.ts';
import { chatMaxSteps, chatTokenBudget, estimateTokens, trimToTokenBudget } from '../../domain/chat/token-budget.ts';
import { beforeStreamEnd } from '../../runtime/before-stream-end.ts';
import { isoNow } from '../../runtime/clock.ts';
import { logger } from '../../runtime/logger.ts';
import { safeErrorSummary } from '../../runtime/safe-error.ts';
import { ApiError } from '../api-error.ts';
import { chargedStream } from '../charged-generation.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody } from '../validation.ts';

const chatStreamHeaders = {
  ...UI_MESSAGE_STREAM_HEADERS,
  // no-transform: a compressing proxy would otherwise buffer the stream.
  'cache-control': 'no-cache, no-transform',
  'x-content-type-options': 'nosniff',
};

/**
 * `createdAt` when the answer starts; the model, finish reason and token usage when it ends. `inputTokens` counts
 * every prompt token; the cache's share of them is in `cacheReadTokens` / `cacheWriteTokens`.
 */
function chatMessageMetadata(model: string) {
  return ({ part }: { part: TextStreamPart<ToolSet> }): ChatMessage['metadata'] => {
    if (part.type === 'start') return { createdAt: isoNow(), model };
    if (part.type === 'finish') {
      const { inputTokens, outputTokens, totalTokens, inputTokenDetails } = part.totalUsage;
      const { cacheReadTokens, cacheWriteTokens } = inputTokenDetails;
      const usage = { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens };
      return { model, finishReason: part.finishReason, usage };
    }
    return undefined;
  };
}

async function answerStream(
  organisationId: string,
  messages: ChatMessage[],
  system: SystemModelMessage[],
  tools: ChatTools,
  abortSignal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const model = modelId('chat');
  const result = streamText({
    model: languageModel('chat'),
    instructions: system,
    // Cache points: the shared instructions (and the tools before them), and the conversation (prompt-cache.ts).
    messages: withConversationCachePoints(await convertToModelMessages(messages, { tools }), promptCachingEnabled()),
    tools,
    stopWhen: stepCountIs(chatMaxSteps),
    maxRetries: 3,
    maxOutputTokens: chatStepMaxOutputTokens,
    abortSignal,
    // Replaces the SDK's default console logging; the client gets chatErrorText instead.
    onError: ({ error }) => logger.error('Chat model stream failed', { error: safeErrorSummary(error) }),
  });
  const chunks = toUIMessageStream({
    stream: result.stream,
    tools,
    onError: chatErrorText,
    // Tools throw only safe sentences (chat-tools.ts), so the client may see the same text as the model.
    redactToolErrors: false,
    messageMetadata: chatMessageMetadata(model),
  });
  return (await afterFirstModelOutput(chunks, abortSignal))
    .pipeThrough(beforeStreamEnd(() => recordModelUsage(organisationId, 'chat', result.usage)))
    .pipeThrough(new JsonToSseTransformStream())
    .pipeThrough(new TextEncoderStream());
}

async function chatWithNelson({ request, caller }: RouteContext) {
  const body = parseJsonBody(request, chatRequestSchema);
  const tools = createChatTools(caller.organisation.organisationId);
  const validated = await validateChatMessages(body.messages, tools);
  if (!validated.success) {
    throw new ApiError('invalid_request', 'The chat messages are invalid.', validated.issues);
  }
  const { shared, perRequest } = chatSystemPromptParts({
    organisationName: caller.organisation.name,
    currentRoute: body.currentRoute,
    now: isoNow(),
  });
  const system: SystemModelMessage[] = [
    { role: 'system', content: shared, providerOptions: cachePointOptions(promptCachingEnabled()) },
    { role: 'system', content: perRequest },
  ];
  const historyBudget = chatTokenBudget - estimateTokens(`${shared}\n\n${perRequest}`);
  const conversation = trimToTokenBudget(validated.messages, historyBudget);
  if (conversation.estimatedTokens > historyBudget) {
    const last = validated.messages.length - 1;
    throw new ApiError('invalid_request', 'The last message is too long for Nelson.', [
      { path: `messages.${last}`, message: `Keep a message under about ${historyBudget} tokens.`, code: 'too_big' },
    ]);
  }
  if (conversation.dropped > 0) {
    logger.info('Chat history trimmed to the token budget', {
      dropped: conversation.dropped,
      kept: conversation.messages.length,
      estimatedTokens: conversation.estimatedTokens,
    });
  }
  return chargedStream(
    caller,
    (abortSignal) =>
      answerStream(caller.organisation.organisationId, conversation.messages, system, tools, abortSignal),
    chatStreamHeaders,
  );
}

export const chatRoutes: Route[] = [{ method: 'POST', pattern: '/api/ai/chat', handle: chatWithNelson }];
