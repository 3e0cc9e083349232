import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { type ReportJobMessage, reportJobMessageSchema } from '../domain/reports/report-job.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';

export type ReportJobRunner = (job: ReportJobMessage, receiveCount: number) => Promise<void>;

function parseJob(record: SQSRecord): ReportJobMessage {
  return reportJobMessageSchema.parse(JSON.parse(record.body));
}

/**
 * Runs every message of the batch concurrently and reports only the failed ones, so SQS redelivers
 * those alone; after the queue's maxReceiveCount a failing message moves to the dead-letter queue.
 */
export async function processReportQueue(records: SQSRecord[], runJob: ReportJobRunner): Promise<SQSBatchResponse> {
  const outcomes = await Promise.allSettled(
    records.map(async (record) => runJob(parseJob(record), Number(record.attributes.ApproximateReceiveCount ?? 1))),
  );
  const batchItemFailures = outcomes.flatMap((outcome, index) => {
    if (outcome.status === 'fulfilled') return [];
    const record = records[index] as SQSRecord;
    logger.error('Report job failed', { error: safeErrorSummary(outcome.reason), messageId: record.messageId });
    return [{ itemIdentifier: record.messageId }];
  });
  return { batchItemFailures };
}
