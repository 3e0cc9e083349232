import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ReportJobMessage } from '../domain/reports/report-job.ts';
import { environment } from '../runtime/environment.ts';

/**
 * The SQS client loads on the first message, not with the module: loading it costs tens of milliseconds, which the
 * report worker's init would otherwise pay although it needs SQS only when a delivery fails.
 */
const sqsModule = () => import('@aws-sdk/client-sqs');
let sqs: Promise<SQSClient> | undefined;
const client = () => {
  sqs ??= sqsModule().then(({ SQSClient }) => new SQSClient({}));
  return sqs;
};

/** Enqueues one report job; AWS_ENDPOINT_URL_SQS redirects it to the local stand-in. */
export async function enqueueReportJob(message: ReportJobMessage): Promise<void> {
  const { SendMessageCommand } = await sqsModule();
  await (await client()).send(
    new SendMessageCommand({ QueueUrl: environment().REPORT_QUEUE_URL, MessageBody: JSON.stringify(message) }),
  );
}

/**
 * Makes a received job visible again after `seconds` instead of the queue's visibility timeout. The worker's
 * only event source is the report queue, so its URL is the one the function is configured with.
 */
export async function delayReportJobRetry(receiptHandle: string, seconds: number): Promise<void> {
  const { ChangeMessageVisibilityCommand } = await sqsModule();
  await (await client()).send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: environment().REPORT_QUEUE_URL,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}
