/**
 * The offline model paced like a real one, so that report partials and SSE waits are as a real model makes them: the
 * first delta after `firstMs` (else an equal share), the last at about `totalMs`. Answers without a pace are instant.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConverseRequest, ModelEvent, ModelGenerator } from '../../local/bedrock/converse-types.ts';
import { createOfflineGenerator } from '../../local/bedrock/offline-generator.ts';

export function pacedOfflineGenerator(
  paceOf: (request: ConverseRequest) => { firstMs?: number; totalMs: number } | undefined,
): ModelGenerator {
  const offline = createOfflineGenerator();
  const isDelta = (event: ModelEvent) => event.type === 'text' || event.type === 'tool-input';
  return {
    name: 'offline (paced)',
    async *generate(request, context) {
      const events: ModelEvent[] = [];
      for await (const event of offline.generate(request, context)) events.push(event);
      const [pace, deltas] = [paceOf(request), events.filter(isDelta).length];
      if (!pace || pace.totalMs <= 0 || deltas === 0) return yield* events;
      let delayMs = pace.firstMs ?? pace.totalMs / deltas;
      const gapMs = (pace.totalMs - delayMs) / Math.max(1, deltas - 1);
      for (const event of events) {
        if (isDelta(event)) {
          await sleep(delayMs, undefined, { signal: context.signal }).catch(() => {});
          delayMs = gapMs;
        }
        yield event;
      }
    },
  };
}
