/**
 * The functions' own DynamoDB client against DynamoDB Local, every operation the stores use and its error paths,
 * with the AWS SDK's document client as the oracle for what was written and read.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand as SdkGetCommand,
  PutCommand as SdkPutCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { conditionalWrite, dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { DynamoDocumentClient } from '../../functions/stores/dynamodb/client.ts';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../../functions/stores/dynamodb/commands.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';

const local = useLocalStack({ pollers: false });
let client: DynamoDocumentClient;
let sdk: DynamoDBDocumentClient;

beforeAll(() => {
  client = new DynamoDocumentClient();
  sdk = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.stack.dynamoEndpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  });
});

const bytes = (...values: number[]) => new Uint8Array(values);
let counter = 0;
const partition = () => `TEST#dynamodb-client-${Date.now()}-${counter++}`;

const richItem = (pk: string) => ({
  pk,
  sk: 'ITEM',
  count: 42,
  ratio: -0.25,
  nothing: null,
  flag: true,
  emptyText: '',
  emptyList: [],
  blob: bytes(0, 1, 255),
  nested: { inner: { blob: bytes(9, 8) }, list: [bytes(7), 'text', { deep: bytes(6) }] },
  blobs: new Set([bytes(1), bytes(2, 3)]),
  numbers: new Set([1, 2]),
  texts: new Set(['a', 'b']),
});

describe('the functions’ DynamoDB client on DynamoDB Local', () => {
  test('put and get round-trip every attribute type, binary included, the same as the SDK', async () => {
    const ours = richItem(partition());
    await client.send(new PutCommand({ TableName: tableName(), Item: { ...ours, dropped: undefined } }));
    const readBySdk = await sdk.send(new SdkGetCommand({ TableName: tableName(), Key: { pk: ours.pk, sk: 'ITEM' } }));
    expect(readBySdk.Item).toEqual(ours);

    const theirs = richItem(partition());
    await sdk.send(new SdkPutCommand({ TableName: tableName(), Item: theirs }));
    const read = await client.send(
      new GetCommand({ TableName: tableName(), Key: { pk: theirs.pk, sk: 'ITEM' }, ConsistentRead: true }),
    );
    expect(read.Item).toEqual(theirs);
    expect(read.$metadata.httpStatusCode).toBe(200);

    const missing = await client.send(new GetCommand({ TableName: tableName(), Key: { pk: partition(), sk: 'x' } }));
    expect(missing.Item).toBeUndefined();
  });

  test('update and delete return the attributes asked for', async () => {
    const pk = partition();
    await client.send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'ITEM', count: 1 } }));
    const updated = await client.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk, sk: 'ITEM' },
        UpdateExpression: 'ADD #count :one SET #blob = :blob',
        ExpressionAttributeNames: { '#count': 'count', '#blob': 'blob' },
        ExpressionAttributeValues: { ':one': 1, ':blob': bytes(5) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ pk, sk: 'ITEM', count: 2, blob: bytes(5) });
    const deleted = await client.send(
      new DeleteCommand({ TableName: tableName(), Key: { pk, sk: 'ITEM' }, ReturnValues: 'ALL_OLD' }),
    );
    expect(deleted.Attributes).toEqual({ pk, sk: 'ITEM', count: 2, blob: bytes(5) });
  });

  test('a refused condition throws ConditionalCheckFailedException with the item before, and conditionalWrite answers it', async () => {
    const pk = partition();
    await client.send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'ITEM', blob: bytes(1, 2) } }));
    const refuse = () =>
      dynamo().send(
        new PutCommand({
          TableName: tableName(),
          Item: { pk, sk: 'ITEM' },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    const thrown = await refuse().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({
      name: 'ConditionalCheckFailedException',
      Item: { pk, sk: 'ITEM', blob: bytes(1, 2) },
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(await conditionalWrite(refuse)).toEqual({
      applied: false,
      itemBefore: { pk, sk: 'ITEM', blob: bytes(1, 2) },
    });
    const applied = await conditionalWrite(() =>
      dynamo().send(new PutCommand({ TableName: tableName(), Item: { pk: partition(), sk: 'ITEM' } })),
    );
    expect(applied.applied).toBe(true);
  });

  test('a cancelled transaction names each item’s reason, with the item before', async () => {
    const pk = partition();
    await client.send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'A', n: 1 } }));
    const transaction = (condition: string) =>
      client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: { pk, sk: 'A' },
                UpdateExpression: 'SET n = :two',
                ConditionExpression: condition,
                ExpressionAttributeValues: { ':two': 2 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: tableName(), Item: { pk, sk: 'B', blob: bytes(3) } } },
          ],
        }),
      );
    await expect(transaction('attribute_not_exists(pk)')).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { pk, sk: 'A', n: 1 } }, { Code: 'None' }],
    });
    await transaction('attribute_exists(pk)');
    const b = await client.send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'B' } }));
    expect(b.Item).toEqual({ pk, sk: 'B', blob: bytes(3) });
  });

  test('batch write and batch get, with nothing left unprocessed', async () => {
    const pk = partition();
    const items = Array.from({ length: 25 }, (_, index) => ({ pk, sk: `S#${String(index).padStart(2, '0')}`, index }));
    const written = await client.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName()]: items.map((item) => ({ PutRequest: { Item: { ...item, blob: bytes(index(item)) } } })),
        },
      }),
    );
    expect(written.UnprocessedItems ?? {}).toEqual({});
    const read = await client.send(
      new BatchGetCommand({
        RequestItems: { [tableName()]: { Keys: items.map(({ pk, sk }) => ({ pk, sk })), ConsistentRead: true } },
      }),
    );
    const responses = read.Responses?.[tableName()] ?? [];
    expect(responses.sort((a, b) => String(a.sk).localeCompare(String(b.sk)))).toEqual(
      items.map((item) => ({ ...item, blob: bytes(index(item)) })),
    );
    expect(read.UnprocessedKeys ?? {}).toEqual({});

    await client.send(
      new BatchWriteCommand({
        RequestItems: { [tableName()]: items.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })) },
      }),
    );
    const after = await client.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    expect(after.Count).toBe(0);
  });

  test('a query pages with ExclusiveStartKey until LastEvaluatedKey is gone', async () => {
    const pk = partition();
    for (let index = 0; index < 7; index++) {
      await client.send(new PutCommand({ TableName: tableName(), Item: { pk, sk: `S#${index}`, index } }));
    }
    const seen: unknown[] = [];
    let startKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': 'S#' },
          Limit: 3,
          ExclusiveStartKey: startKey,
        }),
      );
      pages++;
      expect(page.Count).toBe(page.Items?.length);
      seen.push(...(page.Items ?? []).map((item) => item.index));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });

  test('a validation error is thrown once, with its name', async () => {
    await expect(
      client.send(new GetCommand({ TableName: tableName(), Key: { pk: 'only-half-a-key' } })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400, attempts: 1 } });
  });

  test('an initialize middleware sees each call’s command name and document input, and can be removed', async () => {
    const seen: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(`${context.commandName} ${JSON.stringify(args.input.Key)}`);
        return next(args);
      },
      { step: 'initialize', name: 'observe' },
    );
    await client.send(new GetCommand({ TableName: tableName(), Key: { pk: 'p', sk: 's' } }));
    client.middlewareStack.remove('observe');
    await client.send(new GetCommand({ TableName: tableName(), Key: { pk: 'p', sk: 's' } }));
    expect(seen).toEqual(['GetItemCommand {"pk":"p","sk":"s"}']);
  });
});

const index = (item: { index: number }) => item.index;
