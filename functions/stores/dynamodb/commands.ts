import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type Document, documentFromWire, documentToWire, type WireMap } from './wire-format.ts';

/**
 * The document-level commands the stores send, with lib-dynamodb's names, inputs and outputs (its types are
 * imported as types only, so nothing of the SDK loads at run time). Each command knows its DynamoDB operation and
 * which parts of its input and output are documents to marshall; everything else passes through as JSON.
 */
export type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
};

export type Json = Record<string, unknown>;

export abstract class DocumentCommand<Input extends object, Output extends object> {
  /** DynamoDB's operation, e.g. "GetItem": the X-Amz-Target suffix. */
  abstract readonly operation: string;
  /** Output type marker for `send`; never set. */
  declare readonly outputType: Output;
  constructor(readonly input: Input) {}
  /** The wire request body of a (document-level) input. */
  abstract readonly toWire: (input: Input) => Json;
  /** The document-level output of a wire response body ($metadata is added by the client). */
  abstract readonly fromWire: (body: Json) => Json;
}

/** Converts the named document fields of an object; absent fields stay absent. */
function convertFields(source: object, fields: readonly string[], convert: (value: never) => unknown): Json {
  const result: Json = { ...source };
  for (const field of fields) {
    const value = (source as Json)[field];
    if (value !== undefined && value !== null) result[field] = convert(value as never);
  }
  return result;
}

const documentFields = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const toWireFields = (source: object) => convertFields(source, documentFields, documentToWire);
const fromWireFields = (source: object, fields: readonly string[]) => convertFields(source, fields, documentFromWire);
const mapValues = <From, To>(record: Record<string, From>, convert: (value: From) => To): Record<string, To> =>
  Object.fromEntries(Object.entries(record).map(([name, value]) => [name, convert(value)]));

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  toWire = toWireFields;
  fromWire = (body: Json) => fromWireFields(body, ['Item']);
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  toWire = toWireFields;
  fromWire = (body: Json) => fromWireFields(body, ['Attributes']);
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  toWire = toWireFields;
  fromWire = (body: Json) => fromWireFields(body, ['Attributes']);
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  toWire = toWireFields;
  fromWire = (body: Json) => fromWireFields(body, ['Attributes']);
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  toWire = toWireFields;
  fromWire = (body: Json) => ({
    ...fromWireFields(body, ['LastEvaluatedKey']),
    ...(body.Items ? { Items: (body.Items as WireMap[]).map(documentFromWire) } : {}),
  });
}

export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
  toWire = (input: TransactWriteCommandInput) => ({
    ...input,
    TransactItems: (input.TransactItems ?? []).map((item) => mapValues(item as Record<string, object>, toWireFields)),
  });
  fromWire = (body: Json) => body;
}

type WriteRequest = { PutRequest?: { Item?: Document }; DeleteRequest?: { Key?: Document } };
type WireWriteRequest = { PutRequest?: { Item: WireMap }; DeleteRequest?: { Key: WireMap } };

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  toWire = (input: BatchWriteCommandInput) => ({
    ...input,
    RequestItems: mapValues(input.RequestItems as Record<string, WriteRequest[]>, (requests) =>
      requests.map((request) => mapValues(request as Record<string, object>, toWireFields)),
    ),
  });
  fromWire = (body: Json) => ({
    ...body,
    ...(body.UnprocessedItems
      ? {
          UnprocessedItems: mapValues(body.UnprocessedItems as Record<string, WireWriteRequest[]>, (requests) =>
            requests.map((request) =>
              mapValues(request as Record<string, object>, (inner) => fromWireFields(inner, ['Item', 'Key'])),
            ),
          ),
        }
      : {}),
  });
}

type KeysAndAttributes = { Keys?: Document[] } & Json;
type WireKeysAndAttributes = { Keys?: WireMap[] } & Json;

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  toWire = (input: BatchGetCommandInput) => ({
    ...input,
    RequestItems: mapValues(input.RequestItems as Record<string, KeysAndAttributes>, (request) => ({
      ...request,
      ...(request.Keys ? { Keys: request.Keys.map(documentToWire) } : {}),
    })),
  });
  fromWire = (body: Json) => ({
    ...body,
    ...(body.Responses
      ? { Responses: mapValues(body.Responses as Record<string, WireMap[]>, (items) => items.map(documentFromWire)) }
      : {}),
    ...(body.UnprocessedKeys
      ? {
          UnprocessedKeys: mapValues(body.UnprocessedKeys as Record<string, WireKeysAndAttributes>, (request) => ({
            ...request,
            ...(request.Keys ? { Keys: request.Keys.map(documentFromWire) } : {}),
          })),
        }
      : {}),
  });
}
