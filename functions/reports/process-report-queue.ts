import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { type ReportJobMessage, reportJobMessageSchema } from '../domain/reports/report-job.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { delayReportJobRetry } from '../stores/report-queue.ts';
import { retryVisibilitySeconds } from './report-deadline.ts';

export type ReportJobRunner = (job: ReportJobMessage, receiveCount: number) => Promise<void>;
export type RetryDelayer = (receiptHandle: string, seconds: number) => Promise<void>;

function parseJob(record: SQSRecord): ReportJobMessage {
  return reportJobMessageSchema.parse(JSON.parse(record.body));
}

const receiveCountOf = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount ?? 1);

/**
 * Runs every message of the batch concurrently and reports only the failed ones, so SQS redelivers those
 * alone; after the queue's maxReceiveCount a failing message moves to the dead-letter queue.
 *
 * A reported failure alone would wait out the queue's visibility timeout (30 min) before its retry, so each
 * failed message is first given a short, growing one. Should that call fail, the failure is still reported:
 * the retry then just comes later.
 */
export async function processReportQueue(
  records: SQSRecord[],
  runJob: ReportJobRunner,
  delayRetry: RetryDelayer = delayReportJobRetry,
): Promise<SQSBatchResponse> {
  const outcomes = await Promise.allSettled(records.map((record) => runJob(parseJob(record), receiveCountOf(record))));
  const failures = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected' ? [{ record: records[index] as SQSRecord, reason: outcome.reason as unknown }] : [],
  );
  await Promise.all(
    failures.map(async ({ record, reason }) => {
      const receiveCount = receiveCountOf(record);
      const retryInSeconds = retryVisibilitySeconds(receiveCount);
      logger.error('Report job failed', {
        error: safeErrorSummary(reason),
        messageId: record.messageId,
        receiveCount,
        retryInSeconds,
      });
      await delayRetry(record.receiptHandle, retryInSeconds).catch((error: unknown) => {
        logger.warn('Could not shorten the retry wait; the job is retried after the visibility timeout', {
          error: safeErrorSummary(error),
          messageId: record.messageId,
        });
      });
    }),
  );
  return { batchItemFailures: failures.map(({ record }) => ({ itemIdentifier: record.messageId })) };
}
