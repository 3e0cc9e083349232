import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Start times and durations of the calls of one class; plain numbers, so a long load run retains little memory. */
export interface CountedCalls {
  /** performance.now() when each call entered the client. */
  starts: number[];
  /** Whole SDK call (marshalling, the agent's socket queue, the HTTP exchange, retries), same index as `starts`. */
  durations: number[];
  /** Calls whose promise rejected, except condition refusals. */
  failed: number;
  /**
   * Conditional writes DynamoDB refused (ConditionalCheckFailedException): an answer the code asked for, not a
   * failure (e.g. the first AI request of a minute finds the rate window not yet started and starts it).
   */
  refusedByCondition: number;
}

export interface DynamoCounter {
  /** Per class returned by `classify`; classes are created on first use. */
  readonly classes: ReadonlyMap<string, CountedCalls>;
  /** Calls of a class that started in [from, to). */
  countBetween(name: string, from: number, to: number): number;
  /** Counted calls started and not yet settled, right now. */
  inFlight(): number;
  uninstall(): void;
}

const middlewareName = 'benchDynamoCounter';

/**
 * Counts the commands of a DynamoDB document client (the handlers' shared one) by class, through an SDK
 * middleware at the start of the initialize step. Unlike dynamo-probe.ts it keeps no inputs: it is meant for
 * load runs with tens of thousands of calls whose process memory is being measured.
 */
export function countDynamoDb(
  client: DynamoDBDocumentClient,
  classify: (command: string, input: Record<string, unknown>) => string | undefined,
): DynamoCounter {
  const classes = new Map<string, CountedCalls>();
  let inFlight = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = classify(context.commandName ?? 'Command', args.input as Record<string, unknown>);
      if (name === undefined) return next(args);
      let calls = classes.get(name);
      if (!calls) {
        calls = { starts: [], durations: [], failed: 0, refusedByCondition: 0 };
        classes.set(name, calls);
      }
      const start = performance.now();
      const index = calls.starts.push(start) - 1;
      inFlight++;
      try {
        return await next(args);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') calls.refusedByCondition++;
        else calls.failed++;
        throw error;
      } finally {
        calls.durations[index] = performance.now() - start;
        inFlight--;
      }
    },
    { step: 'initialize', priority: 'high', name: middlewareName },
  );
  return {
    classes,
    countBetween: (name, from, to) =>
      (classes.get(name)?.starts ?? []).filter((start) => start >= from && start < to).length,
    inFlight: () => inFlight,
    uninstall: () => client.middlewareStack.remove(middlewareName),
  };
}
