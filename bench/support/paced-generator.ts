/**
 * The offline model paced like a real one: the first delta after `firstMs` (the prompt processed, and cached), the
 * last at about `totalMs`; without `firstMs` every delta waits an equal share. Answers without a pace are instant. The
 * report worker then writes its partials and the SSE connection waits as they would for a real model.
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
      const pace = paceOf(request);
      const deltas = events.filter(isDelta).length;
      if (!pace || pace.totalMs <= 0 || deltas === 0) return yield* events;
      const firstMs = pace.firstMs ?? pace.totalMs / deltas;
      const gapMs = (pace.totalMs - firstMs) / Math.max(1, deltas - 1);
      let delayMs = firstMs;
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
