import type { LanguageModel } from 'ai';
import { Output, parsePartialJson, streamText } from 'ai';
import type { z } from 'zod';
import { structuredOutputMaxTokens } from '../domain/ai-limits.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { ModelUnavailableError } from './model-unavailable-error.ts';
import { ReorderableListText } from './reorderable-list-text.ts';

export interface StructuredOutputRequest<Schema extends z.ZodType, Result> {
  model: LanguageModel;
  schema: Schema;
  system: string;
  prompt: string;
  /** Runs with the validated final result before the response ends, so Lambda cannot freeze it half-done. */
  onResult?: (result: Result) => Promise<void>;
  /** Cancels the model call, e.g. when the quota charge running beside it fails. */
  abortSignal?: AbortSignal;
}

type NextChunk = () => Promise<string | undefined>;

const encoder = new TextEncoder();

/**
 * The call options every structured generation shares. Throttling is retried with backoff (maxRetries). The
 * output is capped so one request has a known worst-case cost (docs/limits.md); every result schema fits well
 * inside it. `onError` replaces the SDK's default, which prints the whole error, prompt included, to the log.
 */
const modelCall = (
  request: Pick<StructuredOutputRequest<z.ZodType, unknown>, 'model' | 'system' | 'prompt' | 'abortSignal'>,
) => ({
  model: request.model,
  system: request.system,
  prompt: request.prompt,
  abortSignal: request.abortSignal,
  maxRetries: 3,
  maxOutputTokens: structuredOutputMaxTokens,
  onError: ({ error }: { error: unknown }) => {
    if (!request.abortSignal?.aborted) logger.warn('Structured generation failed', { error: safeErrorSummary(error) });
  },
});

/**
 * Waits for the first chunk of text. A failure before it becomes ModelUnavailableError (the caller can
 * still refund quota); a failure after it errors the byte stream, which aborts the HTTP response so the
 * AI SDK client reports an error instead of parsing a silently short JSON. Throttling is retried with
 * exponential backoff by the SDK (`maxRetries`).
 */
async function streamAfterFirstChunk(
  nextChunk: NextChunk,
  finish: () => Promise<void>,
  cancel: (reason: unknown) => Promise<void>,
  abortSignal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array>> {
  let firstChunk: string | undefined;
  try {
    firstChunk = await nextChunk();
  } catch (error) {
    // Aborted by the caller (e.g. no quota): not a model failure, and the caller answers for itself.
    if (abortSignal?.aborted) throw error;
    logger.warn('Model failed before the first byte', { error: safeErrorSummary(error) });
    throw new ModelUnavailableError({ cause: error });
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (firstChunk !== undefined) controller.enqueue(encoder.encode(firstChunk));
    },
    async pull(controller) {
      try {
        const chunk = await nextChunk();
        if (chunk !== undefined) {
          controller.enqueue(encoder.encode(chunk));
          return;
        }
        await finish();
        controller.close();
      } catch (error) {
        if (!abortSignal?.aborted) {
          logger.error('Model stream failed after the first byte', { error: safeErrorSummary(error) });
        }
        controller.error(error);
      }
    },
    cancel,
  });
}

/** Streams the model's JSON text of one object, the AI SDK text stream that `useObject` assembles. */
export async function streamStructuredObject<Schema extends z.ZodType>(
  request: StructuredOutputRequest<Schema, z.output<Schema>>,
): Promise<ReadableStream<Uint8Array>> {
  const result = streamText({ ...modelCall(request), output: Output.object({ schema: request.schema }) });
  const reader = result.stream.getReader();
  const nextText: NextChunk = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      if (value.type === 'text-delta') return value.text;
      if (value.type === 'error') throw value.error;
    }
  };
  return streamAfterFirstChunk(
    nextText,
    async () => request.onResult?.((await result.output) as z.output<Schema>),
    (reason) => reader.cancel(reason),
    request.abortSignal,
  );
}

export interface OrderedListRequest<Schema extends z.ZodType>
  extends StructuredOutputRequest<Schema, z.output<Schema>> {
  /** The result's one property, a list, that clients see in the order `visibleItems` gives. */
  listKey: string;
  /** What a client may see of the model's partial object, in order; only the last item may still grow. */
  visibleItems: (partial: unknown) => unknown[];
  /** The final list, in order, from the validated result. */
  finalItems: (result: z.output<Schema>) => unknown[];
}

/**
 * Streams an object of one list whose every partial is in the order the caller decides, not the model's: the
 * text is re-parsed by the client as it grows, and a list that changes order is written again under the same
 * key (reorderable-list-text.ts), so each parse of the text so far is the ordered list.
 */
export async function streamOrderedList<Schema extends z.ZodType>(
  request: OrderedListRequest<Schema>,
): Promise<ReadableStream<Uint8Array>> {
  const result = streamText({ ...modelCall(request), output: Output.object({ schema: request.schema }) });
  const reader = result.stream.getReader();
  const list = new ReorderableListText(request.listKey);
  let modelText = '';
  let closed = false;
  const nextText: NextChunk = async () => {
    while (!closed) {
      const { done, value } = await reader.read();
      if (done) {
        closed = true;
        return list.end(request.finalItems((await result.output) as z.output<Schema>));
      }
      if (value.type === 'error') throw value.error;
      if (value.type !== 'text-delta') continue;
      modelText += value.text;
      const { value: partial } = await parsePartialJson(modelText);
      const delta = list.next(request.visibleItems(partial));
      if (delta !== '') return delta;
    }
    return undefined;
  };
  return streamAfterFirstChunk(
    nextText,
    async () => request.onResult?.((await result.output) as z.output<Schema>),
    (reason) => reader.cancel(reason),
    request.abortSignal,
  );
}

/**
 * Streams a JSON array whose elements are written only once complete, so the text is always a valid
 * prefix of the final array (the model itself writes a wrapper object that clients must not see).
 */
export async function streamStructuredArray<ElementSchema extends z.ZodType>(
  request: StructuredOutputRequest<ElementSchema, z.output<ElementSchema>[]>,
): Promise<ReadableStream<Uint8Array>> {
  const result = streamText({ ...modelCall(request), output: Output.array({ element: request.schema }) });
  const reader = result.elementStream.getReader();
  let written = 0;
  let closed = false;
  const nextElementText: NextChunk = async () => {
    if (closed) return undefined;
    const { done, value } = await reader.read();
    if (!done) return `${written++ === 0 ? '[' : ','}${JSON.stringify(value)}`;
    // The element stream just ends on failure; the output promise says whether the array is whole.
    await result.output;
    closed = true;
    return written === 0 ? '[]' : ']';
  };
  return streamAfterFirstChunk(
    nextElementText,
    async () => request.onResult?.((await result.output) as z.output<ElementSchema>[]),
    (reason) => reader.cancel(reason),
    request.abortSignal,
  );
}
