/** The report worker's schedule with prompt caching: the first section alone until its first output, then the rest. */
import { describe, expect, test } from '@jest/globals';
import { forEachAfterFirstIsReady } from '../../functions/runtime/concurrency.ts';

/** A job the test finishes by hand, recording when it started. */
function manualJobs(count: number) {
  const started: number[] = [];
  const finishers = new Map<number, { ready: () => void; finish: (error?: Error) => void }>();
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (item: number, ready: () => void) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      finishers.set(item, {
        ready,
        finish: (error) => {
          inFlight -= 1;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return {
    started,
    finishers,
    work,
    maxInFlight: () => maxInFlight,
    items: Array.from({ length: count }, (_, i) => i),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachAfterFirstIsReady', () => {
  test('nothing else starts before the first item is ready; then up to the limit run', async () => {
    const jobs = manualJobs(6);
    const all = forEachAfterFirstIsReady(jobs.items, 4, jobs.work);
    await settle();
    expect(jobs.started).toEqual([0]);
    jobs.finishers.get(0)?.ready();
    await settle();
    expect(jobs.started).toEqual([0, 1, 2, 3]);
    jobs.finishers.get(0)?.finish();
    await settle();
    // The first item's slot goes to the next one.
    expect(jobs.started).toEqual([0, 1, 2, 3, 4]);
    for (const item of [1, 2, 3]) jobs.finishers.get(item)?.finish();
    await settle();
    jobs.finishers.get(4)?.finish();
    jobs.finishers.get(5)?.finish();
    await all;
    expect(jobs.started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(jobs.maxInFlight()).toBe(4);
  });

  test('a first item that fails before it is ready still lets the rest run, and the failure is rethrown', async () => {
    const jobs = manualJobs(3);
    const all = forEachAfterFirstIsReady(jobs.items, 2, jobs.work);
    await settle();
    jobs.finishers.get(0)?.finish(new Error('model down'));
    await settle();
    expect(jobs.started).toEqual([0, 1, 2]);
    jobs.finishers.get(1)?.finish();
    jobs.finishers.get(2)?.finish();
    await expect(all).rejects.toThrow('model down');
  });

  test('with a limit of one the items run one after another', async () => {
    const order: string[] = [];
    await forEachAfterFirstIsReady([1, 2, 3], 1, async (item, ready) => {
      order.push(`start ${item}`);
      ready();
      await settle();
      order.push(`end ${item}`);
    });
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
