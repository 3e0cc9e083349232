/**
 * Proves the local stand-ins behave like the AWS pieces they replace: the table is built from the shared
 * definitions, the SQS and DynamoDB-stream pollers honour Lambda's batch semantics, and the Function URL server
 * streams and signals disconnects. Test handlers stand in for the real ones, whose behaviour is tested elsewhere.
 */
import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  LambdaFunctionURLEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { reportQueue } from '../../lib/definitions/queues.ts';
import {
  entityNames,
  projectorFilterPattern,
  secondaryIndexes,
  streamViewType,
  tableKeys,
  timeToLiveAttribute,
} from '../../lib/definitions/table.ts';
import { localClientConfig, sleep } from '../../local/aws-local.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { matchesFilterPattern, type StreamHandler, startStreamPoller } from '../../local/event-pollers.ts';
import { installAwsLambdaGlobals } from '../../local/lambda-streaming-shim.ts';
import { type LocalHandlers, startLocalStack } from '../../local/local-stack.ts';
import { ensureTable } from '../../local/table.ts';
import { uniqueTableName, useLocalStack } from '../support/local-stack-fixture.ts';

installAwsLambdaGlobals();

/** What the /sse handler saw after the client went away. */
const sseObservation = (() => {
  let resolve: (value: { closeEventAt: number; destroyed: boolean; writeErrorCode?: string }) => void = () => {};
  const promise = new Promise<{ closeEventAt: number; destroyed: boolean; writeErrorCode?: string }>((done) => {
    resolve = done;
  });
  return { promise, resolve };
})();

/** Resolves when `check` returns a value, polling every 50 ms. */
async function eventually<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

function dynamoClient(endpoint: string) {
  return new DynamoDBClient(localClientConfig(endpoint));
}

describe('event filter (Lambda semantics for the subset the definitions use)', () => {
  const record = (eventName: string, entity?: string) => ({
    eventName,
    dynamodb: { NewImage: entity ? { entity: { S: entity } } : {} },
  });

  test('nested objects and arrays of exact values', () => {
    expect(matchesFilterPattern(projectorFilterPattern, record('INSERT', entityNames.report))).toBe(true);
    expect(matchesFilterPattern(projectorFilterPattern, record('MODIFY', entityNames.reportSection))).toBe(true);
    expect(matchesFilterPattern(projectorFilterPattern, record('REMOVE', entityNames.report))).toBe(false);
    expect(matchesFilterPattern(projectorFilterPattern, record('INSERT', entityNames.reportEvent))).toBe(false);
    expect(matchesFilterPattern(projectorFilterPattern, record('INSERT'))).toBe(false);
    expect(matchesFilterPattern({ tags: ['a'] }, { tags: ['b', 'a'] })).toBe(true);
  });

  test('content filters are rejected instead of silently mismatching', () => {
    expect(() => matchesFilterPattern({ a: [{ prefix: 'x' }] } as never, { a: 'xy' })).toThrow(/Unsupported/);
  });
});

describe('startLocalStack with the real handler modules', () => {
  const local = useLocalStack({ pollers: false });

  test('the table matches lib/definitions/table.ts', async () => {
    const client = dynamoClient(local.stack.dynamoEndpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: local.stack.tableName }));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: local.stack.tableName }));
    client.destroy();

    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: streamViewType });
    expect(Table?.LatestStreamArn).toBeTruthy();
    const [gsi] = secondaryIndexes;
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema])).toEqual([
      [
        gsi.indexName,
        [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
      ],
    ]);
    expect(ttl.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: timeToLiveAttribute,
    });
  });

  test('the environment is set the way the CDK stack sets it, and the HTTP function answers', async () => {
    expect(process.env.TABLE_NAME).toBe(local.stack.tableName);
    expect(process.env.REPORT_QUEUE_URL).toBe(local.stack.reportQueueUrl);
    expect(process.env.DEPLOYMENT_MODE).toBe('local');
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(local.stack.dynamoEndpoint);
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(local.stack.sqsEndpoint);
    const response = await fetch(`${local.stack.baseUrl}/`);
    await response.arrayBuffer();
    expect(response.status).not.toBe(502); // 502 would mean the handler crashed or never answered
  });
});

describe('stack wiring with test handlers', () => {
  const sqsEvents: SQSEvent[] = [];
  const streamEvents: DynamoDBStreamEvent[] = [];
  let sqsBehaviour: (event: SQSEvent) => Promise<SQSBatchResponse | undefined> = async () => undefined;
  const handlers: LocalHandlers = {
    httpApi: createTestHttpHandler(),
    reportWorker: async (event) => {
      sqsEvents.push(event);
      return sqsBehaviour(event);
    },
    streamProjector: async (event) => {
      streamEvents.push(event);
    },
  };
  const local = useLocalStack({ handlers, reportQueueVisibilityTimeoutSeconds: 1 });
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = new SQSClient(localClientConfig(local.stack.sqsEndpoint));
  });
  afterAll(() => sqs.destroy());

  const receiveCounts = (body: string) =>
    sqsEvents.flatMap((event) =>
      event.Records.filter((record) => record.body === body).map((record) =>
        Number(record.attributes.ApproximateReceiveCount),
      ),
    );
  const send = (...bodies: string[]) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: local.stack.reportQueueUrl,
        Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );

  test('SQS: a throwing handler deletes nothing; the batch comes back with a higher receive count', async () => {
    sqsBehaviour = async (event) => {
      if (event.Records.some((record) => record.attributes.ApproximateReceiveCount === '1')) {
        throw new Error('first delivery fails');
      }
      return undefined;
    };
    await send('flaky-a', 'flaky-b');
    await eventually(() => (receiveCounts('flaky-a').length >= 2 && receiveCounts('flaky-b').length >= 2) || undefined);
    await sleep(1_500); // longer than the visibility timeout: a message not deleted would come back
    expect(receiveCounts('flaky-a')).toEqual([1, 2]);
    expect(receiveCounts('flaky-b')).toEqual([1, 2]);
    const [record] = sqsEvents[0]?.Records ?? [];
    expect(record).toMatchObject({ eventSource: 'aws:sqs', awsRegion: 'us-east-1', md5OfBody: expect.any(String) });
    expect(record?.eventSourceARN).toMatch(/^arn:aws:sqs:us-east-1:\d{12}:/);
  });

  test('SQS: only batchItemFailures stay; after maxReceiveCount the poison message is in the DLQ', async () => {
    sqsBehaviour = async (event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({
        itemIdentifier: record.messageId,
      })),
    });
    await send('good-1', 'poison', 'good-2');
    let moved: string | undefined;
    const deadline = Date.now() + 15_000;
    while (!moved && Date.now() < deadline) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: local.stack.deadLetterQueueUrl,
          WaitTimeSeconds: 0,
          AttributeNames: ['All'],
        }),
      );
      moved = received.Messages?.[0]?.Body;
      if (!moved) await sleep(200);
    }
    expect(moved).toBe('poison');
    expect(receiveCounts('poison')).toEqual(Array.from({ length: reportQueue.maxReceiveCount }, (_, i) => i + 1));
    expect(receiveCounts('good-1')).toEqual([1]);
    expect(receiveCounts('good-2')).toEqual([1]);
  });

  test('stream: the projector gets report changes made after start, filtered', async () => {
    const client = dynamoClient(local.stack.dynamoEndpoint);
    const key = { [tableKeys.partitionKey]: { S: 'REPORT#wired' }, [tableKeys.sortKey]: { S: 'REPORT' } };
    await client.send(
      new PutItemCommand({ TableName: local.stack.tableName, Item: { ...key, entity: { S: entityNames.report } } }),
    );
    await client.send(
      new PutItemCommand({
        TableName: local.stack.tableName,
        Item: { ...key, [tableKeys.sortKey]: { S: 'EVENT#1' }, entity: { S: entityNames.reportEvent } },
      }),
    );
    client.destroy();
    const records = await eventually(() => {
      const all = streamEvents.flatMap((event) => event.Records);
      return all.length > 0 ? all : undefined;
    });
    await sleep(300);
    expect(streamEvents.flatMap((event) => event.Records).map((record) => record.dynamodb?.Keys?.sk?.S)).toEqual([
      'REPORT',
    ]);
    expect(records[0]?.eventName).toBe('INSERT');
  });

  describe('Function URL server', () => {
    test('builds a payload 2.0 event', async () => {
      const response = await fetch(`${local.stack.baseUrl}/echo/path?b=2&a=1&a=3`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Custom': 'yes', Cookie: 'c1=v1; c2=v2' },
        body: JSON.stringify({ hello: 'world' }),
      });
      const { event, context } = (await response.json()) as { event: LambdaFunctionURLEvent; context: Context };
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/echo/path',
        rawQueryString: 'b=2&a=1&a=3',
        queryStringParameters: { a: '1,3', b: '2' },
        cookies: ['c1=v1', 'c2=v2'],
        body: '{"hello":"world"}',
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: '/echo/path' }, requestId: context.awsRequestId },
      });
      expect(event.headers['x-custom']).toBe('yes');
      expect(event.headers['content-type']).toBe('application/json');
      expect(event.headers.cookie).toBeUndefined();
      expect(context.functionName).toBe('httpApi');

      const binary = await fetch(`${local.stack.baseUrl}/echo`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array([0, 1, 2, 255]),
      });
      const echoed = (await binary.json()) as { event: LambdaFunctionURLEvent };
      expect(echoed.event.isBase64Encoded).toBe(true);
      expect(Buffer.from(echoed.event.body ?? '', 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
    });

    test('streams the prelude head and each chunk as it is written', async () => {
      const started = Date.now();
      const response = await fetch(`${local.stack.baseUrl}/stream`);
      const headAfter = Date.now() - started;
      expect(response.status).toBe(201);
      expect(response.headers.get('x-prelude')).toBe('yes');
      expect(response.headers.get('set-cookie')).toBe('session=abc');
      const arrivals: Array<{ text: string; at: number }> = [];
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        arrivals.push({ text: decoder.decode(chunk), at: Date.now() - started });
      }
      expect(arrivals.map((arrival) => arrival.text).join('')).toBe('one;two;three;');
      // Written 200 ms apart: the head comes before the first pause, chunks arrive spread out, not at the end.
      expect(arrivals.length).toBeGreaterThanOrEqual(3);
      const first = arrivals[0]?.at ?? 0;
      expect(first - headAfter).toBeGreaterThanOrEqual(100);
      const last = arrivals.at(-1)?.at ?? 0;
      expect(last - first).toBeGreaterThanOrEqual(300);
    });

    test('works with middy 7 streaming mode (Readable body, after middleware)', async () => {
      const response = await fetch(`${local.stack.baseUrl}/middy`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-after')).toBe('ran');
      expect(await response.text()).toBe('a-b-c');
    });

    test('a client disconnect reaches the handler: close event, destroyed, failing writes', async () => {
      const controller = new AbortController();
      const response = await fetch(`${local.stack.baseUrl}/sse`, { signal: controller.signal });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const abortedAt = Date.now();
      controller.abort();
      await reader.read().catch(() => undefined);
      const seen = await sseObservation.promise;
      expect(seen.closeEventAt - abortedAt).toBeLessThan(500);
      expect(seen.destroyed).toBe(true);
      expect(seen.writeErrorCode).toBe('ERR_STREAM_DESTROYED');
    });

    test('a handler crash before the head is a 502 internal_error', async () => {
      const response = await fetch(`${local.stack.baseUrl}/crash`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: expect.any(String), code: 'internal_error' });
    });
  });
});

describe('stream poller (Lambda semantics)', () => {
  const tableName = uniqueTableName('stream');
  const endpoint = () => process.env.TEST_DYNAMODB_ENDPOINT as string;
  const key = (sk: string) => ({ [tableKeys.partitionKey]: { S: 'REPORT#r1' }, [tableKeys.sortKey]: { S: sk } });

  beforeAll(async () => {
    const client = dynamoClient(endpoint());
    await ensureTable(client, tableName);
    const put = (sk: string, entity: string, status = 'running') =>
      client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { ...key(sk), entity: { S: entity }, status: { S: status } },
        }),
      );
    await put('REPORT', entityNames.report);
    await put('SECTION#1', entityNames.reportSection);
    await put('EVENT#1', entityNames.reportEvent); // the projector's own output: must be filtered out
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key('REPORT'),
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'completed' } },
      }),
    );
    await put('SECTION#2', entityNames.reportSection);
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: key('SECTION#1') })); // REMOVE: filtered
    client.destroy();
  });

  /** Starts from TRIM_HORIZON so all records above arrive in one GetRecords, making batches deterministic. */
  async function deliver(behaviour: (records: DynamoDBRecord[], call: number) => DynamoDBBatchResponse | undefined) {
    const calls: DynamoDBRecord[][] = [];
    const handler: StreamHandler = async (event) => {
      calls.push(event.Records);
      return behaviour(event.Records, calls.length);
    };
    const poller = await startStreamPoller({
      dynamoEndpoint: endpoint(),
      tableName,
      handler,
      functionName: 'streamProjector',
      definition: { entry: 'test', memoryMiB: 128, timeoutSeconds: 30, description: 'test' },
      filterPattern: projectorFilterPattern,
      startingPosition: 'TRIM_HORIZON',
      retryDelayMs: 50,
    });
    return { calls, stop: () => poller.stop() };
  }
  const sortKeys = (records: DynamoDBRecord[] = []) =>
    records.map((record) => `${record.eventName} ${record.dynamodb?.Keys?.sk?.S}`);

  test('filters, and delivers Old/New images with epoch-second timestamps', async () => {
    const run = await deliver(() => undefined);
    await eventually(() => run.calls[0]);
    await sleep(300);
    await run.stop();
    expect(run.calls).toHaveLength(1);
    expect(sortKeys(run.calls[0])).toEqual(['INSERT REPORT', 'INSERT SECTION#1', 'MODIFY REPORT', 'INSERT SECTION#2']);
    const modify = run.calls[0]?.[2];
    expect(modify?.dynamodb?.OldImage?.status).toEqual({ S: 'running' });
    expect(modify?.dynamodb?.NewImage?.status).toEqual({ S: 'completed' });
    expect(modify?.dynamodb?.StreamViewType).toBe(streamViewType);
    const created = modify?.dynamodb?.ApproximateCreationDateTime as number;
    expect(Number.isInteger(created)).toBe(true);
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(600);
    expect(modify).toMatchObject({ eventSource: 'aws:dynamodb', awsRegion: 'us-east-1' });
  });

  test('batchItemFailures: re-delivered from the first failed record', async () => {
    const run = await deliver((records, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber ?? '' }] } : undefined,
    );
    await eventually(() => run.calls[1]);
    await sleep(300);
    await run.stop();
    expect(run.calls.map(sortKeys)).toEqual([
      ['INSERT REPORT', 'INSERT SECTION#1', 'MODIFY REPORT', 'INSERT SECTION#2'],
      ['MODIFY REPORT', 'INSERT SECTION#2'],
    ]);
  });

  test('a throwing handler gets the same batch again', async () => {
    const run = await deliver((_records, call) => {
      if (call === 1) throw new Error('transient');
      return undefined;
    });
    await eventually(() => run.calls[1]);
    await sleep(300);
    await run.stop();
    expect(run.calls).toHaveLength(2);
    expect(sortKeys(run.calls[1])).toEqual(sortKeys(run.calls[0]));
  });
});

/**
 * DynamoDB Local numbers stream records with one counter for all tables, and an iterator taken on an empty shard
 * points at the shard's starting number: once another table writes first, that iterator is "trimmed" forever.
 * The poller must still deliver the first writes on a table it started on while the table was empty.
 */
describe('stream poller on a new, empty table', () => {
  const startingPositions = ['LATEST', 'TRIM_HORIZON'] as const;
  const tableNames = Object.fromEntries(startingPositions.map((position) => [position, uniqueTableName('fresh')]));
  const otherTableName = uniqueTableName('other');
  const endpoint = () => process.env.TEST_DYNAMODB_ENDPOINT as string;

  beforeAll(async () => {
    const client = dynamoClient(endpoint());
    for (const table of [...Object.values(tableNames), otherTableName]) await ensureTable(client, table);
    client.destroy();
  });

  test.each(startingPositions)(
    'starting at %s, it gets the first writes even when another table wrote in between',
    async (startingPosition) => {
      const tableName = tableNames[startingPosition] as string;
      const received: DynamoDBRecord[] = [];
      const poller = await startStreamPoller({
        dynamoEndpoint: endpoint(),
        tableName,
        handler: async (event) => {
          received.push(...event.Records);
        },
        functionName: 'streamProjector',
        definition: { entry: 'test', memoryMiB: 128, timeoutSeconds: 30, description: 'test' },
        startingPosition,
      });
      try {
        const client = dynamoClient(endpoint());
        const put = (table: string, pk: string) =>
          client.send(
            new PutItemCommand({
              TableName: table,
              Item: { [tableKeys.partitionKey]: { S: pk }, [tableKeys.sortKey]: { S: 'REPORT' } },
            }),
          );
        await sleep(300); // the poller has read the empty shard a few times
        await put(otherTableName, `OTHER#${startingPosition}`);
        await put(tableName, `MINE#${startingPosition}#1`);
        await put(tableName, `MINE#${startingPosition}#2`);
        client.destroy();
        const mine = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S?.startsWith(`MINE#${startingPosition}`);
        await eventually(() => (received.filter(mine).length >= 2 ? true : undefined), 3_000);
        await sleep(300);
        expect(received.filter(mine).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual([
          `MINE#${startingPosition}#1`,
          `MINE#${startingPosition}#2`,
        ]);
      } finally {
        await poller.stop();
      }
    },
  );
});

describe('DynamoDB Local lifecycle', () => {
  test('fails fast when the port is taken', async () => {
    const blocker = net.createServer();
    blocker.listen(0, '0.0.0.0');
    await once(blocker, 'listening');
    const { port } = blocker.address() as net.AddressInfo;
    await expect(startDynamoDbLocal({ port })).rejects.toThrow(/already in use/);
    blocker.close();
  });

  test('stop() leaves no java process behind', async () => {
    const stack = await startLocalStack({
      tableName: uniqueTableName(),
      pollers: false,
      handlers: {
        httpApi: createTestHttpHandler(),
        reportWorker: async () => undefined,
        streamProjector: async () => undefined,
      },
    });
    const pid = stack.dynamoDbLocalPid as number;
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    await stack.stop();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});

function createTestHttpHandler(): LocalHandlers['httpApi'] {
  const middyHandler = middy({ executionMode: executionModeStreamifyResponse })
    .after((request) => {
      const response = request.response as { headers: Record<string, string> };
      response.headers['x-after'] = 'ran';
    })
    .handler(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'text/plain' } as Record<string, string>,
      body: Readable.from(
        (async function* () {
          for (const part of ['a', '-b', '-c']) {
            yield part;
            await sleep(20);
          }
        })(),
      ),
    }));

  return awslambda.streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream, context: Context) => {
    switch (event.rawPath.split('/')[1]) {
      case 'echo': {
        const stream = awslambda.HttpResponseStream.from(responseStream, {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
        });
        stream.write(JSON.stringify({ event, context }));
        stream.end();
        return;
      }
      case 'stream': {
        const stream = awslambda.HttpResponseStream.from(responseStream, {
          statusCode: 201,
          headers: { 'content-type': 'text/plain', 'x-prelude': 'yes' },
          cookies: ['session=abc'],
        });
        // The prelude goes out with the first write; an empty one sends the head now (as middy does).
        stream.write('');
        for (const part of ['one;', 'two;', 'three;']) {
          await sleep(200);
          stream.write(part);
        }
        stream.end();
        return;
      }
      case 'middy':
        await (middyHandler as unknown as (...args: unknown[]) => Promise<void>)(event, responseStream, context);
        return;
      case 'sse': {
        const stream = awslambda.HttpResponseStream.from(responseStream, {
          statusCode: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
        let closeEventAt = 0;
        stream.on('close', () => {
          closeEventAt = Date.now();
        });
        for (let i = 0; i < 200 && !stream.destroyed; i++) {
          stream.write(`id: ${i}\ndata: tick\n\n`);
          await sleep(50);
        }
        const writeErrorCode = await new Promise<string | undefined>((resolve) =>
          stream.write(':late\n\n', (error) => resolve((error as NodeJS.ErrnoException | null)?.code)),
        );
        sseObservation.resolve({ closeEventAt, destroyed: stream.destroyed, writeErrorCode });
        return;
      }
      default:
        throw new Error(`test handler crash on ${event.rawPath}`);
    }
  });
}
