/**
 * The report queue and its dead-letter queue on local-aws-sqs, in-process, configured from
 * lib/definitions/queues.ts. Known local-aws-sqs bugs are worked around in sqs-poller.ts (receiving) and
 * sqs-queue-patches.ts (visibility changes).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from 'local-aws-sqs';
import { reportDeadLetterQueue, reportQueue } from '../lib/definitions/queues.ts';
import { localAccountId, localRegion } from './aws-local.ts';
import { capVisibilityChanges, keepReceiveCountOnVisibilityChange } from './sqs-queue-patches.ts';

export interface LocalSqsOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  queueName?: string;
  /**
   * Override for tests of the retry path; the deployed value (30 min) would make them wait. It also caps the
   * visibility a consumer sets on a message (the worker's retry backoff), so such tests stay as short as they
   * were; without it the queue behaves like SQS.
   */
  visibilityTimeoutSeconds?: number;
}

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
}

export interface RunningLocalSqs {
  endpoint: string;
  reportQueue: LocalQueue;
  deadLetterQueue: LocalQueue;
  stop(): Promise<void>;
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<RunningLocalSqs> {
  const queueName = options.queueName ?? 'partneros-reports';
  const deadLetterName = `${queueName}-dlq`;
  const arnOf = (name: string) => `arn:aws:sqs:${localRegion}:${localAccountId}:${name}`;

  // createSqsServer without its server: the request handler's service holds the queues to patch.
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: localRegion,
    accountId: localAccountId,
    queues: [
      // The DLQ first: local-aws-sqs checks that a redrive target exists.
      { QueueName: deadLetterName, Attributes: { MessageRetentionPeriod: reportDeadLetterQueue.retentionSeconds } },
      {
        QueueName: queueName,
        Attributes: {
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? reportQueue.visibilityTimeoutSeconds,
          MessageRetentionPeriod: reportQueue.retentionSeconds,
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: arnOf(deadLetterName),
            maxReceiveCount: reportQueue.maxReceiveCount,
          }),
        },
      },
    ],
  });
  keepReceiveCountOnVisibilityChange(service);
  if (options.visibilityTimeoutSeconds !== undefined) {
    capVisibilityChanges(service, queueName, options.visibilityTimeoutSeconds);
  }
  const server = createServer(requestHandler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  // Queue URLs in its answers (GetQueueUrl, CreateQueue) carry the port it was told.
  service.PORT = port;
  const endpoint = `http://127.0.0.1:${port}`;
  const queue = (name: string): LocalQueue => ({
    name,
    url: `${endpoint}/${localAccountId}/${name}`,
    arn: arnOf(name),
  });

  return {
    endpoint,
    reportQueue: queue(queueName),
    deadLetterQueue: queue(deadLetterName),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
