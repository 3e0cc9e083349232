/**
 * Turns generator events into Bedrock responses: the Converse JSON body, or the ConverseStream event sequence
 * messageStart → (contentBlockStart for tool use) → contentBlockDelta* → contentBlockStop → … → messageStop →
 * metadata, exactly as @ai-sdk/amazon-bedrock's stream schema expects.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BEDROCK_ERRORS } from './bedrock-errors.ts';
import { type ModelEvent, ModelGeneratorError, type StopReason } from './converse-types.ts';
import { encodeEvent, encodeException, type StreamExceptionType } from './event-stream.ts';
import type { ActiveFault } from './faults.ts';
import type { HttpResponse } from './listener.ts';
import type { CacheAccount } from './prompt-cache.ts';

export interface Latency {
  /** Delay before the first content delta (time to first token). */
  firstChunkMs: number;
  /** Delay before every later content delta. */
  perChunkMs: number;
}

type Usage = { inputTokens: number; outputTokens: number };

/**
 * Bedrock's usage with the prompt cache's share: inputTokens counts only the uncached tokens and totalTokens all of
 * them. A generator's own input count (a forwarded model's) covers the whole prompt, so the cached share comes off it.
 */
function usageWithCache(usage: Usage, cache: CacheAccount | undefined, ownCount: boolean) {
  const read = cache?.usage.cacheReadInputTokens ?? 0;
  const write = cache?.usage.cacheWriteInputTokens ?? 0;
  const inputTokens = ownCount ? Math.max(0, usage.inputTokens - read - write) : usage.inputTokens;
  const cacheFields = cache ? { cacheReadInputTokens: read, cacheWriteInputTokens: write } : {};
  return {
    inputTokens,
    outputTokens: usage.outputTokens,
    ...cacheFields,
    totalTokens: inputTokens + usage.outputTokens + read + write,
  };
}

/** Writes the rest of a ConverseStream answer; the caller has already pulled `first` (to map early errors to HTTP). */
export async function writeConverseStream(
  res: HttpResponse,
  first: IteratorResult<ModelEvent>,
  events: AsyncIterator<ModelEvent>,
  options: {
    latency: Latency;
    estimatedInputTokens: number;
    fault?: ActiveFault;
    signal: AbortSignal;
    /** The prompt cache's reads and writes; committed when the first output is written. */
    cache?: CacheAccount;
  },
): Promise<void> {
  const startedAt = Date.now();
  const write = async (frame: Uint8Array) => {
    if (res.destroyed) throw new ClientGoneError();
    // Waiting for 'drain' alone would hang forever once the client has gone, so 'close' also releases us.
    if (!res.write(frame)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  };
  let blockIndex = -1;
  let openBlock: 'text' | 'tool' | undefined;
  let deltasWritten = 0;
  let outputChars = 0;
  let finish: Extract<ModelEvent, { type: 'finish' }> | undefined;

  const closeBlock = async () => {
    if (openBlock) await write(encodeEvent('contentBlockStop', { contentBlockIndex: blockIndex }));
    openBlock = undefined;
  };
  /** Applies latency and the injected fault before each content delta; false means "stop writing". */
  const beforeDelta = async (): Promise<boolean> => {
    if (options.fault && deltasWritten >= options.fault.afterChunks) {
      failStream(res, options.fault);
      return false;
    }
    const delay = deltasWritten === 0 ? options.latency.firstChunkMs : options.latency.perChunkMs;
    if (delay > 0) await sleep(delay, undefined, { signal: options.signal }).catch(() => {});
    return !options.signal.aborted;
  };

  await write(encodeEvent('messageStart', { role: 'assistant' }));
  try {
    for (let step = first; !step.done; step = await events.next()) {
      const event = step.value;
      if (options.signal.aborted) return;
      if (event.type === 'finish') {
        finish = event;
        break;
      }
      if (event.type === 'tool-start') {
        await closeBlock();
        blockIndex += 1;
        openBlock = 'tool';
        const toolUse = { toolUseId: event.toolUseId, name: event.name };
        await write(encodeEvent('contentBlockStart', { contentBlockIndex: blockIndex, start: { toolUse } }));
        options.cache?.commit();
        continue;
      }
      if (!(await beforeDelta())) return;
      if (event.type === 'text') {
        // Bedrock sends no contentBlockStart for text blocks; the first delta opens the block.
        if (openBlock !== 'text') {
          await closeBlock();
          blockIndex += 1;
          openBlock = 'text';
        }
        await write(encodeEvent('contentBlockDelta', { contentBlockIndex: blockIndex, delta: { text: event.delta } }));
      } else {
        const delta = { toolUse: { input: event.delta } };
        await write(encodeEvent('contentBlockDelta', { contentBlockIndex: blockIndex, delta }));
      }
      options.cache?.commit();
      deltasWritten += 1;
      outputChars += event.delta.length;
    }
  } catch (error) {
    if (error instanceof ClientGoneError || res.destroyed) return;
    res.end(encodeException(streamExceptionFor(error), errorMessage(error)));
    return;
  }
  // A fault that wanted more chunks than the answer had still fires, at the end, instead of silently passing.
  if (options.fault) {
    failStream(res, options.fault);
    return;
  }
  await closeBlock();
  const usage = finish?.usage ?? estimateUsage(options.estimatedInputTokens, outputChars);
  await write(encodeEvent('messageStop', { stopReason: finish?.stopReason ?? 'end_turn' }));
  await write(
    encodeEvent('metadata', {
      usage: usageWithCache(usage, options.cache, finish?.usage !== undefined),
      metrics: { latencyMs: Date.now() - startedAt },
    }),
  );
  res.end();
}

/** Drains the generator into a Converse (non-streaming) response body. */
export async function collectConverse(
  first: IteratorResult<ModelEvent>,
  events: AsyncIterator<ModelEvent>,
  estimatedInputTokens: number,
  cache?: CacheAccount,
): Promise<Record<string, unknown>> {
  const startedAt = Date.now();
  const content: Array<{ text: string } | { toolUse: { toolUseId: string; name: string; inputJson: string } }> = [];
  let stopReason: StopReason = 'end_turn';
  let usage: Usage | undefined;
  let outputChars = 0;
  for (let step = first; !step.done; step = await events.next()) {
    const event = step.value;
    const last = content.at(-1);
    if (event.type === 'text') {
      if (last && 'text' in last) last.text += event.delta;
      else content.push({ text: event.delta });
      outputChars += event.delta.length;
    } else if (event.type === 'tool-start') {
      content.push({ toolUse: { toolUseId: event.toolUseId, name: event.name, inputJson: '' } });
    } else if (event.type === 'tool-input') {
      if (last && 'toolUse' in last) last.toolUse.inputJson += event.delta;
      outputChars += event.delta.length;
    } else {
      stopReason = event.stopReason;
      usage = event.usage;
      break;
    }
  }
  const finalUsage = usage ?? estimateUsage(estimatedInputTokens, outputChars);
  return {
    output: {
      message: {
        role: 'assistant',
        content: content.map((block) =>
          'text' in block
            ? block
            : {
                toolUse: {
                  toolUseId: block.toolUse.toolUseId,
                  name: block.toolUse.name,
                  input: block.toolUse.inputJson ? JSON.parse(block.toolUse.inputJson) : {},
                },
              },
        ),
      },
    },
    stopReason,
    usage: usageWithCache(finalUsage, cache, usage !== undefined),
    metrics: { latencyMs: Date.now() - startedAt },
  };
}

class ClientGoneError extends Error {}

function failStream(res: HttpResponse, fault: ActiveFault): void {
  if (fault.kind === 'disconnect') {
    res.destroy();
    return;
  }
  const exception = fault.exception ?? 'modelStreamErrorException';
  res.end(encodeException(exception, fault.message ?? `Injected ${exception} from the local Bedrock endpoint.`));
}

function streamExceptionFor(error: unknown): StreamExceptionType {
  return error instanceof ModelGeneratorError
    ? BEDROCK_ERRORS[error.kind].streamExceptionType
    : 'modelStreamErrorException';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function estimateUsage(inputTokens: number, outputChars: number): Usage {
  return { inputTokens, outputTokens: Math.max(1, Math.ceil(outputChars / 4)) };
}
