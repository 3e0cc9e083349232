/**
 * On-demand request units of the handlers' DynamoDB calls, attributed to the Lambda function and benchmark
 * operation they ran in (see support/lambda-meter.ts).
 *
 * Where DynamoDB Local's figure is missing or known to differ from the documented AWS rules, the units are
 * computed from the rules instead:
 * - reads: 4 KB units, 0.5 RRU for an eventually consistent read, 1 for a strongly consistent one; a Query
 *   that returns nothing still reads one unit (DynamoDB Local reports 0 for it);
 * - writes: 1 KB units of the item, plus the same again for each secondary index the item is written to;
 * - TransactWriteItems: 2 WRU per 1 KB unit of each item (DynamoDB Local reports 4); index writes counted at
 *   the standard rate (DynamoDB Local's own table/index split); a failed conditional write still costs ≥ 1 WRU.
 */
import type { DynamoDocumentClient as DynamoDBDocumentClient } from '../../functions/stores/dynamodb/client.ts';
import { type DynamoCall, recordDynamoCalls } from '../support/dynamo-calls.ts';
import type { InvocationScope } from '../support/lambda-meter.ts';

/** A handler call made inside a metered invocation, with DynamoDB Local's reported capacity (INDEXES). */
export type CapacityCall = DynamoCall<InvocationScope>;

export interface RequestUnits {
  rru: number;
  wru: number;
}

const readCommands = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
/** Key attributes of the table's secondary indexes (lib/definitions/table.ts: gsi1, projection ALL). */
const indexPartitionKeys = ['gsi1pk'];

/** Every call made inside a metered invocation, asking DynamoDB Local for its capacity per table and index. */
export function recordDynamoCapacity(client: DynamoDBDocumentClient, scope: () => InvocationScope | undefined) {
  return recordDynamoCalls(client, { select: scope, capacity: () => 'INDEXES' });
}

export function isRead(command: string): boolean {
  return readCommands.has(command);
}

/** On-demand request units of one call. */
export function requestUnits(call: CapacityCall): RequestUnits {
  const read = isRead(call.command);
  const units = (value: number): RequestUnits => (read ? { rru: value, wru: 0 } : { rru: 0, wru: value });
  if (!call.ok) {
    // A failed conditional write is charged for the existing item (≥ 1 WRU); failed reads are not expected.
    return units(read ? 0 : 1);
  }
  if (call.command === 'TransactWriteItemsCommand') {
    const items = (call.input.TransactItems ?? []) as Array<{ Put?: { Item?: Record<string, unknown> } }>;
    if (items.every((entry) => entry.Put?.Item)) {
      const wru = items.reduce((sum, entry) => sum + 2 * writeUnits(entry.Put?.Item ?? {}, false), 0);
      const indexWru = items.reduce((sum, entry) => sum + indexWriteUnits(entry.Put?.Item ?? {}), 0);
      return units(wru + indexWru);
    }
    return units((call.capacityUnits ?? 0) / 2);
  }
  if (read && call.returnedItems === 0 && !call.capacityUnits) {
    const consistent = call.input.ConsistentRead === true && call.input.IndexName === undefined;
    return units(consistent ? 1 : 0.5);
  }
  if (call.capacityUnits !== undefined) return units(call.capacityUnits);
  // Not expected with DynamoDB Local; kept so a missing figure is never silently 0.
  const item = call.input.Item as Record<string, unknown> | undefined;
  if (!read && item) return units(writeUnits(item, true));
  return units(read ? (call.input.ConsistentRead === true ? 1 : 0.5) : 1);
}

/** 1 KB write units of an item, with its secondary-index writes when asked. */
function writeUnits(item: Record<string, unknown>, withIndexes: boolean): number {
  return Math.max(1, Math.ceil(itemSizeBytes(item) / 1024)) + (withIndexes ? indexWriteUnits(item) : 0);
}

function indexWriteUnits(item: Record<string, unknown>): number {
  const indexes = indexPartitionKeys.filter((name) => item[name] !== undefined).length;
  return indexes * Math.max(1, Math.ceil(itemSizeBytes(item) / 1024));
}

/**
 * DynamoDB's item size: attribute name lengths plus value sizes (strings and binaries by their bytes, numbers
 * about 1 byte per 2 significant digits + 1, 3 bytes of overhead per list or map plus 1 per element).
 */
function itemSizeBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => (value === undefined ? sum : sum + Buffer.byteLength(name) + valueSize(value)),
    0,
  );
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + valueSize(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + valueSize(member) + 1, 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce(
        (sum, [name, member]) => (member === undefined ? sum : sum + Buffer.byteLength(name) + valueSize(member) + 1),
        0,
      )
    );
  }
  return 0;
}
