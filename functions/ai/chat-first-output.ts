/**
 * The chat's UI message stream until the model's first output: what counts as a model failure with nothing
 * delivered (503, unit refunded) and what travels as an error part afterwards. The chat route and the
 * benchmark's bare streaming floor both hold their first byte with it, so both mark the same event.
 */
import { APICallError, RetryError, type UIMessageChunk } from 'ai';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { ModelUnavailableError } from './model-unavailable-error.ts';

/** What the client sees for a stream error: never the provider's message, which can carry internals. */
export function chatErrorText(error: unknown): string {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause) && cause.statusCode === 429) {
    return 'Nelson is very busy right now. Please try again in a moment.';
  }
  return 'Nelson could not finish this answer because the AI model failed. Please try again.';
}

/** Chunks the UI stream sends before the model has produced anything. */
const preambleChunks = new Set<UIMessageChunk['type']>(['start', 'start-step', 'message-metadata']);

/**
 * Holds the stream back until the model produces its first text, reasoning or tool call. An error before
 * that is a model failure with nothing delivered: it becomes 503 `model_unavailable` (and the caller
 * refunds the unit). Any later error travels in the stream as an error part that useChat shows.
 *
 * Most model failures arrive as error parts, but a connection to the model that breaks mid-answer errors the
 * stream itself (undici's "terminated"); that is the same failure and gets the same treatment, instead of a
 * 500 before the first output or an aborted response after it.
 */
export async function afterFirstModelOutput(
  chunks: ReadableStream<UIMessageChunk>,
  abortSignal: AbortSignal,
): Promise<ReadableStream<UIMessageChunk>> {
  const reader = chunks.getReader();
  const held: UIMessageChunk[] = [];
  for (;;) {
    let next: ReadableStreamReadResult<UIMessageChunk>;
    try {
      next = await reader.read();
    } catch (error) {
      if (abortSignal.aborted) throw error;
      logger.warn('Chat model failed before its first output', { error: safeErrorSummary(error) });
      throw new ModelUnavailableError({ cause: error });
    }
    const { done, value } = next;
    if (done) break;
    if (value.type === 'error') {
      await reader.cancel().catch(() => {});
      throw new ModelUnavailableError();
    }
    held.push(value);
    if (!preambleChunks.has(value.type)) break;
  }
  return new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of held) controller.enqueue(chunk);
    },
    async pull(controller) {
      let next: ReadableStreamReadResult<UIMessageChunk>;
      try {
        next = await reader.read();
      } catch (error) {
        if (!abortSignal.aborted) logger.error('Chat model stream failed', { error: safeErrorSummary(error) });
        controller.enqueue({ type: 'error', errorText: chatErrorText(error) });
        controller.close();
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
