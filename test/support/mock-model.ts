/**
 * Language models for unit tests of the code that streams from a model: the AI SDK's own mock model, fed the
 * text the real one would stream, so a test controls pace, failure and length without Bedrock.
 */
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

/** What a model's stream carries (the provider specification's stream part), read off the mock itself. */
type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer Part> ? Part : never;

export interface ScriptedStream {
  /** The text the model writes, in the pieces it writes it in. */
  pieces: string[];
  /** Wait before each piece, so a test can stop or time out mid-stream. */
  delayMs?: number;
  /** After this many pieces the stream ends with this error instead of finishing. */
  failAfter?: { pieces: number; error: Error };
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 10, text: 10, reasoning: undefined },
};

function streamParts({ pieces, failAfter }: ScriptedStream): StreamPart[] {
  const written = failAfter ? pieces.slice(0, failAfter.pieces) : pieces;
  const text: StreamPart[] = [
    { type: 'text-start', id: 'text-1' },
    ...written.map((delta): StreamPart => ({ type: 'text-delta', id: 'text-1', delta })),
  ];
  if (failAfter) return [...text, { type: 'error', error: failAfter.error }];
  return [
    ...text,
    { type: 'text-end', id: 'text-1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
  ];
}

/**
 * Ends the stream with the signal's reason once it aborts, as the provider's HTTP response body does when its
 * request is cancelled (the mock itself ignores the signal).
 */
function cancelledBy<Part>(stream: ReadableStream<Part>, signal: AbortSignal | undefined): ReadableStream<Part> {
  const reader = stream.getReader();
  return new ReadableStream<Part>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (signal?.aborted) return;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** A model that streams the scripted text on every call, and stops when the call is cancelled. */
export function scriptedModel(script: ScriptedStream): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      abortSignal?.throwIfAborted();
      const stream = simulateReadableStream({
        chunks: streamParts(script),
        initialDelayInMs: null,
        chunkDelayInMs: script.delayMs ?? null,
      });
      return { stream: cancelledBy(stream, abortSignal) };
    },
  });
}

/** A model whose call fails before it writes anything. */
export function failingModel(error: Error): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => {
      throw error;
    },
  });
}

/** `json` cut into pieces of `size` characters, as a model streams it. */
export function piecesOf(json: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}
