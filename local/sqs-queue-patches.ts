/**
 * Adjustments to local-aws-sqs's queues, made on its request handler's service before it serves.
 *
 * local-aws-sqs counts a ChangeMessageVisibility as a receive: the change goes through the same bookkeeping
 * as a receive, which adds one to ApproximateReceiveCount. SQS counts receives only. A worker that shortens
 * the wait of a failed message would therefore send it to the dead-letter queue one receive early, and a
 * retry test could not tell.
 *
 * The queue's message records are private, but every message passes through the queue's public `newRecord`
 * when stored, so the records are kept here by message id; a visibility change restores the count it found.
 */
import type { createRequestHandler } from 'local-aws-sqs';

type SqsService = ReturnType<typeof createRequestHandler>['service'];

interface StoredMessage {
  MessageId: string;
  ReceiptHandle: string;
  attributes: { ApproximateReceiveCount: string };
}

export function keepReceiveCountOnVisibilityChange(service: SqsService): void {
  for (const queue of service.Queues) {
    // Deleted messages leave; one that moved to the DLQ or expired stays (a few hundred bytes, locally).
    const stored = new Map<string, StoredMessage>();
    const storedByReceiptHandle = (receiptHandle: string) =>
      [...stored.values()].find((message) => message.ReceiptHandle === receiptHandle);

    const newRecord = queue.newRecord;
    queue.newRecord = (message: Record<string, unknown>, delay?: number) => {
      const record = message as unknown as StoredMessage;
      stored.set(record.MessageId, record);
      return newRecord(message, delay);
    };

    const changeVisibility = queue.changeVisibility.bind(queue);
    queue.changeVisibility = (receiptHandle: string, visibilityTimeout: string) => {
      const message = storedByReceiptHandle(receiptHandle);
      const receiveCount = message?.attributes.ApproximateReceiveCount;
      const changed = changeVisibility(receiptHandle, visibilityTimeout);
      if (message && receiveCount !== undefined) message.attributes.ApproximateReceiveCount = receiveCount;
      return changed;
    };

    const deleteMessage = queue.delete.bind(queue);
    queue.delete = (receiptHandle: string) => {
      const message = storedByReceiptHandle(receiptHandle);
      const deleted = deleteMessage(receiptHandle);
      if (message) stored.delete(message.MessageId);
      return deleted;
    };
  }
}

/** Visibility changes on `queueName` take at most `maxSeconds` (see LocalSqsOptions.visibilityTimeoutSeconds). */
export function capVisibilityChanges(service: SqsService, queueName: string, maxSeconds: number): void {
  const queue = service.Queues.find((candidate) => candidate.QueueName === queueName);
  if (!queue) throw new Error(`No local queue ${queueName}`);
  const changeVisibility = queue.changeVisibility.bind(queue);
  queue.changeVisibility = (receiptHandle: string, visibilityTimeout: string) =>
    changeVisibility(receiptHandle, String(Math.min(Number(visibilityTimeout), maxSeconds)));
}
