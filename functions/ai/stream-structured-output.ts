import type { LanguageModel } from 'ai';
import { Output, streamText } from 'ai';
import type { z } from 'zod';
import { ApiError } from '../api/api-error.ts';
import { logger } from '../runtime/logger.ts';

export interface StructuredOutputRequest<Schema extends z.ZodType> {
  model: LanguageModel;
  schema: Schema;
  system: string;
  prompt: string;
  /** Runs with the validated final object before the response ends, so Lambda cannot freeze it half-done. */
  onResult?: (result: z.output<Schema>) => Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Starts a structured generation and waits for its first text. A failure before that becomes 503
 * `model_unavailable` (the caller can still refund quota); a failure after it errors the byte stream,
 * which aborts the HTTP response so the AI SDK client reports an error instead of a silently short JSON.
 * Throttling is retried with exponential backoff by the SDK (`maxRetries`).
 */
export async function streamStructuredOutput<Schema extends z.ZodType>(
  request: StructuredOutputRequest<Schema>,
): Promise<ReadableStream<Uint8Array>> {
  const result = streamText({
    model: request.model,
    system: request.system,
    prompt: request.prompt,
    output: Output.object({ schema: request.schema }),
    maxRetries: 3,
  });
  const reader = result.stream.getReader();
  const nextText = async (): Promise<string | undefined> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      if (value.type === 'text-delta') return value.text;
      if (value.type === 'error') throw value.error;
    }
  };

  let firstText: string | undefined;
  try {
    firstText = await nextText();
  } catch (error) {
    logger.warn('Model failed before the first byte', { error: error as Error });
    throw new ApiError('model_unavailable', 'The AI model is unavailable right now. Try again shortly.');
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (firstText !== undefined) controller.enqueue(encoder.encode(firstText));
    },
    async pull(controller) {
      try {
        const text = await nextText();
        if (text !== undefined) {
          controller.enqueue(encoder.encode(text));
          return;
        }
        const output = await result.output;
        await request.onResult?.(output as z.output<Schema>);
        controller.close();
      } catch (error) {
        logger.error('Model stream failed after the first byte', { error: error as Error });
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
