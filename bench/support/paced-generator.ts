/**
 * The offline model with chosen answers paced like a real model: `paceOf(request)` gives the time to the first
 * delta (`firstMs`, when the model has processed, and cached, the prompt) and to the last (`totalMs`); without
 * `firstMs` every delta waits the same share of `totalMs`. Answers without a pace are instant. The report
 * worker then writes its partials (at most every 500 ms) and the SSE connection waits as it would for real.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConverseRequest, ModelEvent, ModelGenerator } from '../../local/bedrock/converse-types.ts';
import { createOfflineGenerator } from '../../local/bedrock/offline-generator.ts';

export interface Pace {
  firstMs?: number;
  totalMs: number;
}

export function pacedOfflineGenerator(paceOf: (request: ConverseRequest) => Pace | undefined): ModelGenerator {
  const offline = createOfflineGenerator();
  const isDelta = (event: ModelEvent) => event.type === 'text' || event.type === 'tool-input';
  return {
    name: 'offline (paced)',
    async *generate(request, context) {
      const events: ModelEvent[] = [];
      for await (const event of offline.generate(request, context)) events.push(event);
      const pace = paceOf(request);
      const deltas = events.filter(isDelta).length;
      if (!pace || pace.totalMs <= 0 || deltas === 0) {
        yield* events;
        return;
      }
      const evenGapMs = pace.totalMs / deltas;
      const firstMs = pace.firstMs ?? evenGapMs;
      const gapMs = pace.firstMs === undefined ? evenGapMs : (pace.totalMs - firstMs) / Math.max(1, deltas - 1);
      let written = 0;
      for (const event of events) {
        if (isDelta(event)) {
          await sleep(written === 0 ? firstMs : gapMs, undefined, { signal: context.signal }).catch(() => {});
          written += 1;
        }
        yield event;
      }
    },
  };
}
