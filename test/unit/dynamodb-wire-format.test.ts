/**
 * The client's wire format: documents marshalled by @aws-sdk/util-dynamodb (as lib-dynamodb did), binary as base64
 * in JSON, and back.
 */

import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, test } from '@jest/globals';
import { BatchGetCommand, BatchWriteCommand, GetCommand } from '../../functions/stores/dynamodb/commands.ts';
import { documentFromWire, documentToWire } from '../../functions/stores/dynamodb/wire-format.ts';

const bytes = (...values: number[]) => new Uint8Array(values);
const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');

const document = {
  pk: 'ORG#org_1',
  count: 42,
  ratio: 0.5,
  nothing: null,
  yes: true,
  no: false,
  emptyText: '',
  emptyList: [],
  emptyMap: {},
  skipped: undefined,
  blob: bytes(0, 1, 254, 255),
  nested: { inner: { blob: bytes(7) }, list: [bytes(8, 9), 'text', 3, { deep: bytes(10) }] },
  binarySet: new Set([bytes(1), bytes(2, 3)]),
  numberSet: new Set([1, 2.5]),
  textSet: new Set(['a', 'b']),
};

describe('DynamoDB wire format', () => {
  test('a document goes on the wire as util-dynamodb marshals it, with binary as base64 at every depth', () => {
    const wire = documentToWire(document);
    const expected = marshall(document, { removeUndefinedValues: true });
    expect(JSON.parse(JSON.stringify(wire))).toEqual({
      ...expected,
      blob: { B: base64(document.blob) },
      nested: {
        M: {
          inner: { M: { blob: { B: 'Bw==' } } },
          list: { L: [{ B: 'CAk=' }, { S: 'text' }, { N: '3' }, { M: { deep: { B: 'Cg==' } } }] },
        },
      },
      binarySet: { BS: ['AQ==', 'AgM='] },
    });
    expect(wire).not.toHaveProperty('skipped');
    expect(wire.count).toEqual({ N: '42' });
    expect(wire.nothing).toEqual({ NULL: true });
    expect(wire.yes).toEqual({ BOOL: true });
    expect(wire.emptyText).toEqual({ S: '' });
    expect(wire.emptyList).toEqual({ L: [] });
    expect(wire.emptyMap).toEqual({ M: {} });
  });

  test('the JSON of a document reads back as the document (binary as Uint8Array)', () => {
    const roundTripped = documentFromWire(JSON.parse(JSON.stringify(documentToWire(document))));
    const { skipped: _skipped, ...withoutUndefined } = document;
    expect(roundTripped).toEqual(withoutUndefined);
    expect(roundTripped.blob).toBeInstanceOf(Uint8Array);
    const nested = roundTripped.nested as { list: unknown[] };
    expect(nested.list[0]).toBeInstanceOf(Uint8Array);
  });

  test('commands convert only their document fields', () => {
    const get = new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' }, ProjectionExpression: 'pk' });
    expect(get.toWire(get.input)).toEqual({
      TableName: 't',
      Key: { pk: { S: 'a' }, sk: { S: 'b' } },
      ProjectionExpression: 'pk',
    });
    expect(get.fromWire({ Item: { pk: { S: 'a' }, blob: { B: 'AQI=' } } })).toEqual({
      Item: { pk: 'a', blob: bytes(1, 2) },
    });
    expect(get.fromWire({})).toEqual({});
  });

  test('unprocessed batch writes and keys come back in document form', () => {
    const write = new BatchWriteCommand({ RequestItems: {} });
    expect(
      write.fromWire({
        UnprocessedItems: {
          t: [
            { PutRequest: { Item: { pk: { S: 'a' }, blob: { B: 'AQI=' } } } },
            { DeleteRequest: { Key: { pk: { S: 'b' } } } },
          ],
        },
      }),
    ).toEqual({
      UnprocessedItems: {
        t: [{ PutRequest: { Item: { pk: 'a', blob: bytes(1, 2) } } }, { DeleteRequest: { Key: { pk: 'b' } } }],
      },
    });

    const get = new BatchGetCommand({ RequestItems: { t: { Keys: [{ pk: 'a', sk: 'b' }], ConsistentRead: true } } });
    expect(get.toWire(get.input)).toEqual({
      RequestItems: { t: { Keys: [{ pk: { S: 'a' }, sk: { S: 'b' } }], ConsistentRead: true } },
    });
    expect(
      get.fromWire({
        Responses: { t: [{ pk: { S: 'a' }, n: { N: '1' } }] },
        UnprocessedKeys: { t: { Keys: [{ pk: { S: 'c' } }], ConsistentRead: true } },
      }),
    ).toEqual({
      Responses: { t: [{ pk: 'a', n: 1 }] },
      UnprocessedKeys: { t: { Keys: [{ pk: 'c' }], ConsistentRead: true } },
    });
  });
});
