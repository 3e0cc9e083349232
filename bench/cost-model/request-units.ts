/**
 * On-demand request units of the handlers' DynamoDB calls: DynamoDB Local's figure, except where it differs from the
 * AWS rules: a read that returns nothing still reads one unit (0.5 RRU eventually consistent, 1 strongly; Local
 * reports 0), and TransactWriteItems costs 2 WRU per 1 KB of each item (Local reports 4), index writes 1 per KB.
 */
import { secondaryIndexes } from '../../lib/definitions/table.ts';
import type { DynamoCall, DynamoInput } from '../support/dynamo-calls.ts';

export const isRead = (command: string) => /^(GetItem|Query|Scan|BatchGetItem|TransactGetItems)Command$/.test(command);

export function requestUnits(call: DynamoCall<unknown>): { rru: number; wru: number } {
  const read = isRead(call.command);
  const units = (value: number) => (read ? { rru: value, wru: 0 } : { rru: 0, wru: value });
  // A failed conditional write is charged for the existing item; failed reads are not expected.
  if (!call.ok) return units(read ? 0 : 1);
  const reported = call.capacityUnits;
  if (reported === undefined) throw new Error(`${call.command}: no ConsumedCapacity, though the bench asked for it`);
  if (call.command === 'TransactWriteItemsCommand') {
    const items = (call.input.TransactItems ?? []) as Array<{ Put?: { Item?: DynamoInput } }>;
    if (!items.every((entry) => entry.Put?.Item)) return units(reported / 2);
    return units(items.reduce((sum, entry) => sum + transactWriteUnits(entry.Put?.Item ?? {}), 0));
  }
  if (read && reported === 0 && call.returnedItems === 0) {
    return units(call.input.ConsistentRead === true && call.input.IndexName === undefined ? 1 : 0.5);
  }
  return units(reported);
}

/** 2 WRU per 1 KB unit of an item for the table, plus 1 per unit for every index the item is written to. */
function transactWriteUnits(item: DynamoInput): number {
  // Every index projects ALL, so an item with an index's key is written there too.
  const indexes = secondaryIndexes.filter(({ partitionKey }) => item[partitionKey] !== undefined).length;
  return (2 + indexes) * Math.max(1, Math.ceil(attributesSize(item) / 1024));
}

/**
 * DynamoDB's item size: attribute name lengths plus value sizes (strings by their bytes, numbers about 1 byte per 2
 * significant digits + 1, 3 bytes of overhead per list or map plus 1 per element; the items hold no sets or binaries).
 */
function attributesSize(attributes: DynamoInput, perAttribute = 0): number {
  const defined = Object.entries(attributes).filter(([, value]) => value !== undefined);
  return defined.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value) + perAttribute, 0);
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(value).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + valueSize(member) + 1, 0);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return 3 + attributesSize(value as DynamoInput, 1);
  }
  // A set, a binary or anything else this sizer does not know: fail rather than price the item wrongly.
  throw new Error(`Cannot size a DynamoDB value of type ${Object.prototype.toString.call(value)}`);
}
