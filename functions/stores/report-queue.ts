import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ReportJobMessage } from '../domain/reports/report-job.ts';
import { environment } from '../runtime/environment.ts';

let sqs: SQSClient | undefined;

/** Enqueues one report job; AWS_ENDPOINT_URL_SQS redirects it to the local stand-in. */
export async function enqueueReportJob(message: ReportJobMessage): Promise<void> {
  sqs ??= new SQSClient({});
  await sqs.send(
    new SendMessageCommand({ QueueUrl: environment().REPORT_QUEUE_URL, MessageBody: JSON.stringify(message) }),
  );
}
