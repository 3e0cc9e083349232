/**
 * The offline model with two test controls:
 * - a delay before every streamed delta that can change while requests run: slow while a fault is set up (so it
 *   lands mid-report), fast afterwards (so recovery is quick);
 * - failures aimed at particular requests (e.g. one report section), which `failNext` cannot do because it takes
 *   whichever request comes next. The generator throws ModelGeneratorError before its first event, and the local
 *   endpoint answers exactly as Bedrock would (429 ThrottlingException for `throttle`, no retry header).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BedrockErrorKind, ConverseRequest } from '../../../local/bedrock/converse-types.ts';
import { ModelGeneratorError } from '../../../local/bedrock/converse-types.ts';
import { createOfflineGenerator } from '../../../local/bedrock/offline-generator.ts';
import type { ModelGenerator } from '../../../local/bedrock/server.ts';

export interface PacedModel {
  generator: ModelGenerator;
  /** Milliseconds before each content delta from now on, also for streams already running. */
  setDelay(milliseconds: number): void;
  /** The next `count` requests that `matches` accepts fail before any output with a Bedrock error of `kind`. */
  failBeforeOutput(matches: (request: ConverseRequest) => boolean, count: number, kind?: BedrockErrorKind): void;
}

export function pacedModel(initialDelayMs = 0): PacedModel {
  const offline = createOfflineGenerator();
  let delayMs = initialDelayMs;
  const failures: Array<{ matches: (request: ConverseRequest) => boolean; remaining: number; kind: BedrockErrorKind }> =
    [];
  return {
    generator: {
      name: 'offline-paced',
      async *generate(request, context) {
        const failure = failures.find((candidate) => candidate.remaining > 0 && candidate.matches(request));
        if (failure) {
          failure.remaining -= 1;
          throw new ModelGeneratorError(failure.kind, `Injected ${failure.kind} failure.`);
        }
        for await (const event of offline.generate(request, context)) {
          if (delayMs > 0 && event.type !== 'finish') {
            await sleep(delayMs, undefined, { signal: context.signal }).catch(() => undefined);
          }
          if (context.signal.aborted) return;
          yield event;
        }
      },
    },
    setDelay: (milliseconds) => {
      delayMs = milliseconds;
    },
    failBeforeOutput: (matches, count, kind = 'throttle') => {
      failures.push({ matches, remaining: count, kind });
    },
  };
}

/** The prompt text of a Converse request, for `failBeforeOutput` matchers. */
export const promptText = (request: ConverseRequest) =>
  request.messages.flatMap((message) => message.content.map((block) => block.text ?? '')).join('\n');
