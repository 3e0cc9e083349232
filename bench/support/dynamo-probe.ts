import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One command sent through the probed client, with the document-level (unmarshalled) input. */
export interface ProbedCall {
  /** The low-level command name, e.g. "QueryCommand", "GetItemCommand" for a document-client GetCommand. */
  command: string;
  input: Record<string, unknown>;
  /** performance.now() when the command entered the client and when its promise settled. */
  start: number;
  end: number;
  ok: boolean;
  /** ConsumedCapacity.CapacityUnits, when the call asked for it and the service returned it. */
  capacityUnits?: number;
}

export interface ProbeOptions {
  /** Which calls to record (kept in memory for the whole probe). */
  record(command: string, input: Record<string, unknown>): boolean;
  /** Which recorded calls should also ask for ReturnConsumedCapacity: TOTAL. */
  consumedCapacity?(command: string, input: Record<string, unknown>): boolean;
}

export interface DynamoProbe {
  readonly calls: readonly ProbedCall[];
  uninstall(): void;
}

const middlewareName = 'benchDynamoProbe';

/**
 * Records selected commands of a DynamoDB document client (the handlers' shared one) through an SDK middleware
 * at the start of the initialize step, i.e. around the whole SDK call including marshalling and retries.
 */
export function probeDynamoDb(client: DynamoDBDocumentClient, options: ProbeOptions): DynamoProbe {
  const calls: ProbedCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'Command';
      const input = args.input as Record<string, unknown>;
      if (!options.record(command, input)) return next(args);
      const withCapacity = options.consumedCapacity?.(command, input) ?? false;
      const call: ProbedCall = { command, input, start: performance.now(), end: 0, ok: false };
      try {
        // A copy: the caller's input object stays as it was.
        const result = await next(
          withCapacity ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args,
        );
        call.ok = true;
        const units = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity
          ?.CapacityUnits;
        if (units !== undefined) call.capacityUnits = units;
        return result;
      } finally {
        call.end = performance.now();
        calls.push(call);
      }
    },
    { step: 'initialize', priority: 'high', name: middlewareName },
  );
  return { calls, uninstall: () => client.middlewareStack.remove(middlewareName) };
}
