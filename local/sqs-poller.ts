/**
 * Drives a handler from an SQS queue like a Lambda SQS event source mapping with ReportBatchItemFailures:
 * messages the handler does not report as failed are deleted; reported ones (or the whole batch when the
 * handler throws) stay, become visible again after the visibility timeout, and the queue's RedrivePolicy
 * moves them to the DLQ after maxReceiveCount receives.
 *
 * local-aws-sqs work-arounds: short polls (WaitTimeSeconds 0) plus a sleep, because its long poll waits for
 * a full batch; the deprecated AttributeNames, because it ignores MessageSystemAttributeNames. Its other bug,
 * counting ChangeMessageVisibility as a receive, is fixed where the queues are created (sqs-queue-patches.ts),
 * so a handler may shorten the wait of a failed message as it does on AWS.
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { FunctionDefinition } from '../lib/definitions/functions.ts';
import { reportQueue } from '../lib/definitions/queues.ts';
import { localClientConfig, localRegion } from './aws-local.ts';
import { createLambdaContext } from './lambda-context.ts';
import { PollLoop, type RunningPoller } from './poller-support.ts';

/** Returns an SQSBatchResponse to report partial failures; any other result means the whole batch succeeded. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface SqsPollerOptions {
  sqsEndpoint: string;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  definition: FunctionDefinition;
  batchSize?: number;
  /** Parallel batches; Lambda also polls with several concurrent batches. */
  concurrency?: number;
  idleDelayMs?: number;
}

export function startSqsPoller(options: SqsPollerOptions): RunningPoller {
  const client = new SQSClient(localClientConfig(options.sqsEndpoint));
  const loop = new PollLoop();
  const batchSize = options.batchSize ?? reportQueue.batchSize;
  const name = `sqs-poller ${options.functionName}`;

  const iteration = async () => {
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: loop.signal },
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) {
      await loop.sleep(options.idleDelayMs ?? 100);
      return;
    }
    const processed = await invoke(options, messages, name);
    if (processed.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: processed.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  };
  for (let i = 0; i < (options.concurrency ?? 2); i++) loop.run(name, iteration);

  return {
    stop: async () => {
      await loop.stop();
      client.destroy();
    },
  };
}

/** Returns the messages that count as processed (to delete). */
async function invoke(options: SqsPollerOptions, messages: Message[], name: string): Promise<Message[]> {
  const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, options.queueArn)) };
  let result: SQSBatchResponse | undefined;
  try {
    result = (await options.handler(event, createLambdaContext(options.functionName, options.definition))) as
      | SQSBatchResponse
      | undefined;
  } catch (error) {
    console.error(`[${name}] handler threw; the batch of ${messages.length} stays on the queue:`, error);
    return [];
  }
  const failed = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  const ids = new Set(messages.map((message) => message.MessageId));
  if ([...failed].some((id) => !id || !ids.has(id))) {
    // Lambda treats an unknown or empty itemIdentifier as a failure of the whole batch.
    console.error(`[${name}] batchItemFailures names a message that is not in the batch; retrying the batch`);
    return [];
  }
  return messages.filter((message) => !failed.has(message.MessageId ?? ''));
}

function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [
        key,
        {
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          // Lambda delivers binary attributes base64-encoded; the SDK decodes them to bytes.
          ...(value.BinaryValue ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
          stringListValues: [],
          binaryListValues: [],
          dataType: value.DataType ?? 'String',
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: localRegion,
  };
}
