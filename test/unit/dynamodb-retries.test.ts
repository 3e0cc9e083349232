/**
 * The client's retries against a local HTTP server that answers as DynamoDB does: throttling and 5xx are retried
 * (3 attempts in all), a refused condition and a validation error are not.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDocumentClient } from '../../functions/stores/dynamodb/client.ts';
import { GetCommand, PutCommand } from '../../functions/stores/dynamodb/commands.ts';

type Answer = { status: number; body: Record<string, unknown> };
let answers: Answer[] = [];
const received: Array<{ target: string | undefined; authorization: string | undefined; body: string }> = [];
let server: Server;
let endpoint: string;

const error = (status: number, type: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} here`, ...extra },
});

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        target: request.headers['x-amz-target'] as string | undefined,
        authorization: request.headers.authorization,
        body,
      });
      const answer = answers.shift() ?? error(500, 'InternalServerError');
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  answers = [];
  received.length = 0;
});

const get = () => new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } });

describe('DynamoDB client retries', () => {
  test('a 500 and a throttled answer are retried, and the third attempt answers', async () => {
    answers = [
      error(500, 'InternalServerError'),
      error(400, 'ThrottlingException'),
      { status: 200, body: { Item: { pk: { S: 'a' }, sk: { S: 'b' } } } },
    ];
    const client = new DynamoDocumentClient({ endpoint });
    const steps: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        steps.push(`call ${context.commandName} ${JSON.stringify(args.input.Key)}`);
        return next(args);
      },
      { step: 'initialize', name: 'call' },
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        steps.push(`attempt ${JSON.stringify(args.input.Key)}`);
        return next(args);
      },
      { step: 'deserialize', name: 'attempt' },
    );
    const output = await client.send(get());
    expect(steps).toEqual([
      'call GetItemCommand {"pk":"a","sk":"b"}',
      ...Array(3).fill('attempt {"pk":{"S":"a"},"sk":{"S":"b"}}'),
    ]);
    expect(output.Item).toEqual({ pk: 'a', sk: 'b' });
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'req-1', attempts: 3 });
    expect(received).toHaveLength(3);
    expect(received.every(({ target }) => target === 'DynamoDB_20120810.GetItem')).toBe(true);
    expect(received[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/dynamodb\//);
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
  });

  test('after 3 failed attempts the last error is thrown with its DynamoDB name', async () => {
    answers = [
      error(400, 'ProvisionedThroughputExceededException'),
      error(400, 'ProvisionedThroughputExceededException'),
      error(400, 'ProvisionedThroughputExceededException'),
      { status: 200, body: {} },
    ];
    const thrown = await new DynamoDocumentClient({ endpoint }).send(get()).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    expect(received).toHaveLength(3);
  });

  test('a refused condition is not retried and carries the item as a document', async () => {
    answers = [
      error(400, 'ConditionalCheckFailedException', { Item: { pk: { S: 'a' }, blob: { B: 'AQ==' } } }),
      { status: 200, body: {} },
    ];
    const thrown = await new DynamoDocumentClient({ endpoint })
      .send(new PutCommand({ TableName: 't', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .catch((caught: unknown) => caught);
    expect(thrown).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'ConditionalCheckFailedException here',
      Item: { pk: 'a', blob: new Uint8Array([1]) },
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(received).toHaveLength(1);
  });

  test('a validation error is not retried', async () => {
    answers = [error(400, 'ValidationException'), { status: 200, body: {} }];
    await expect(new DynamoDocumentClient({ endpoint }).send(get())).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(received).toHaveLength(1);
  });

  test('a refused connection is retried and then thrown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new DynamoDocumentClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
    await expect(client.send(get())).rejects.toThrow('fetch failed');
  });

  test('a missing credential variable is named in the error', async () => {
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      await expect(new DynamoDocumentClient({ endpoint }).send(get())).rejects.toThrow(
        'AWS_SECRET_ACCESS_KEY is not set',
      );
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = saved;
    }
  });
});
