import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ReportJobMessage } from '../domain/reports/report-job.ts';
import { environment } from '../runtime/environment.ts';

let sqs: SQSClient | undefined;
const client = () => {
  sqs ??= new SQSClient({});
  return sqs;
};

/** Enqueues one report job; AWS_ENDPOINT_URL_SQS redirects it to the local stand-in. */
export async function enqueueReportJob(message: ReportJobMessage): Promise<void> {
  await client().send(
    new SendMessageCommand({ QueueUrl: environment().REPORT_QUEUE_URL, MessageBody: JSON.stringify(message) }),
  );
}

/**
 * Makes a received job visible again after `seconds` instead of the queue's visibility timeout. The worker's
 * only event source is the report queue, so its URL is the one the function is configured with.
 */
export async function delayReportJobRetry(receiptHandle: string, seconds: number): Promise<void> {
  await client().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: environment().REPORT_QUEUE_URL,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}
