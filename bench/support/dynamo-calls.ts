// The one instrumentation of the handlers' shared DynamoDB document client: a middleware at the initialize step
// (functions/stores/dynamodb/middleware-stack.ts), i.e. around the whole call: marshalling, HTTP exchange, retries.
import type { DynamoDocumentClient } from '../../functions/stores/dynamodb/client.ts';
import { sum } from './stats.ts';

export type DynamoInput = Record<string, unknown>;

export const keyOf = (input: DynamoInput) => (input.Key ?? {}) as DynamoInput;
export const itemOf = (input: DynamoInput) => (input.Item ?? {}) as DynamoInput;
export const valuesOf = (input: DynamoInput) => (input.ExpressionAttributeValues ?? {}) as DynamoInput;

export interface DynamoCall<Tag = true> {
  /** The low-level command name, e.g. "GetItemCommand" for a document-client GetCommand; `input` is unmarshalled. */
  command: string;
  input: DynamoInput;
  tag: Tag;
  /** performance.now() when the command entered the client and when its promise settled. */
  start: number;
  end: number;
  ok: boolean;
  errorName?: string;
  /** Summed over tables, when `capacity` asked for them. */
  capacityUnits?: number;
  /** A Query/Scan page's size, GetItem 0 or 1. */
  returnedItems?: number;
}

type Capacity = { CapacityUnits?: number };

export function recordDynamoCalls<Tag>(
  client: DynamoDocumentClient,
  options: {
    /** What to tag a call with; undefined leaves it alone. */
    select(command: string, input: DynamoInput): Tag | undefined;
    /** ReturnConsumedCapacity to add to a selected call (in a copy of its input). */
    capacity?(command: string, input: DynamoInput): 'TOTAL' | 'INDEXES' | undefined;
    /** Long runs turn `calls` off (default on) and aggregate in `onCall` to retain little. */
    keep?: boolean;
    onCall?(call: DynamoCall<Tag>): void;
  },
): { readonly calls: readonly DynamoCall<Tag>[]; uninstall(): void } {
  const name = `benchDynamoCalls-${crypto.randomUUID()}`;
  const calls: DynamoCall<Tag>[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'Command';
      const input = args.input as DynamoInput;
      const tag = options.select(command, input);
      if (tag === undefined) return next(args);
      const capacity = options.capacity?.(command, input);
      const call: DynamoCall<Tag> = { command, input, tag, start: performance.now(), end: 0, ok: false };
      try {
        const result = await next(capacity ? { ...args, input: { ...input, ReturnConsumedCapacity: capacity } } : args);
        call.ok = true;
        const output = result.output as { ConsumedCapacity?: Capacity | Capacity[]; Items?: unknown[]; Item?: unknown };
        const units = output.ConsumedCapacity && [output.ConsumedCapacity].flat().map((c) => c.CapacityUnits ?? 0);
        if (units) call.capacityUnits = sum(units);
        if (output.Items) call.returnedItems = output.Items.length;
        else if (command === 'GetItemCommand') call.returnedItems = output.Item ? 1 : 0;
        return result;
      } catch (error) {
        call.errorName = error instanceof Error ? error.name : String(error);
        throw error;
      } finally {
        call.end = performance.now();
        if (options.keep !== false) calls.push(call);
        options.onCall?.(call);
      }
    },
    { step: 'initialize', priority: 'high', name },
  );
  return { calls, uninstall: () => client.middlewareStack.remove(name) };
}
