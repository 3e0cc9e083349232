/**
 * The SQS stand-in counts receives like SQS: a ChangeMessageVisibility does not count as one, so a message
 * whose wait was shortened after each failed receive still gets every receive before the dead-letter queue.
 * Runs with the queues' real settings (30 min visibility timeout); a visibility change of 0 makes the message
 * receivable again at once.
 */
import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { reportQueue } from '../../lib/definitions/queues.ts';
import { localClientConfig } from '../../local/aws-local.ts';
import { type RunningLocalSqs, startLocalSqs } from '../../local/sqs.ts';
import { waitFor } from '../faults/support/wait.ts';

let sqs: RunningLocalSqs;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startLocalSqs();
  client = new SQSClient(localClientConfig(sqs.endpoint));
});

afterAll(async () => {
  client.destroy();
  await sqs.stop();
});

const receiveOne = (queueUrl: string) =>
  waitFor(`a message on ${queueUrl}`, async () => {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
    );
    return Messages?.[0];
  });

const receiveCountOf = (message: Message) => Number(message.Attributes?.ApproximateReceiveCount);

describe('local SQS stand-in', () => {
  test('visibility changes are not receives: a message gets maxReceiveCount receives, then the DLQ', async () => {
    const body = `job ${Math.random()}`;
    await client.send(new SendMessageCommand({ QueueUrl: sqs.reportQueue.url, MessageBody: body }));

    const counts: number[] = [];
    for (let receive = 1; receive <= reportQueue.maxReceiveCount; receive++) {
      const message = await receiveOne(sqs.reportQueue.url);
      expect(message.Body).toBe(body);
      counts.push(receiveCountOf(message));
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: sqs.reportQueue.url,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(counts).toEqual(Array.from({ length: reportQueue.maxReceiveCount }, (_, index) => index + 1));

    const parked = await receiveOne(sqs.deadLetterQueue.url);
    expect(parked.Body).toBe(body);
  });
});
