import { describe, expect, test } from '@jest/globals';
import { APICallError } from 'ai';
import type { SQSRecord } from 'aws-lambda';
import { processReportQueue } from '../../functions/reports/process-report-queue.ts';
import { retryVisibilitySeconds } from '../../functions/reports/report-deadline.ts';
import { safeErrorSummary } from '../../functions/runtime/safe-error.ts';
import { reportQueue } from '../../lib/definitions/queues.ts';

const record = (messageId: string, receiveCount: number, reportId: string): SQSRecord =>
  ({
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: JSON.stringify({
      type: 'report.generate',
      reportId,
      jobId: '00000000-0000-4000-8000-000000000002',
      organisationId: '00000000-0000-4000-8000-000000000003',
    }),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  }) as unknown as SQSRecord;

const failingReport = '00000000-0000-4000-8000-00000000000f';
const succeedingReport = '00000000-0000-4000-8000-00000000000a';
const runJob = async (job: { reportId: string }) => {
  if (job.reportId === failingReport) throw new Error('model unavailable');
};

describe('failed report deliveries', () => {
  test('only the failed messages get a visibility growing with their receive count, and are reported', async () => {
    const delays: Array<[string, number]> = [];
    const response = await processReportQueue(
      [record('ok', 1, succeedingReport), record('first', 1, failingReport), record('second', 2, failingReport)],
      runJob,
      async (receiptHandle, seconds) => {
        delays.push([receiptHandle, seconds]);
      },
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'first' }, { itemIdentifier: 'second' }]);
    expect(delays).toEqual([
      ['handle-first', reportQueue.retryBackoffSeconds],
      ['handle-second', 2 * reportQueue.retryBackoffSeconds],
    ]);
  });

  test('a failed visibility change still reports the failure (SQS then retries after the visibility timeout)', async () => {
    const response = await processReportQueue([record('first', 1, failingReport)], runJob, async () => {
      throw new Error('AccessDenied: sqs:ChangeMessageVisibility');
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'first' }]);
  });

  test('no backoff wait exceeds the visibility timeout, so the job lifetime (receives × that timeout) still holds', () => {
    for (let receive = 1; receive <= reportQueue.maxReceiveCount + 5; receive++) {
      expect(retryVisibilitySeconds(receive)).toBeGreaterThan(0);
      expect(retryVisibilitySeconds(receive)).toBeLessThanOrEqual(reportQueue.visibilityTimeoutSeconds);
    }
  });
});

describe('safe error summaries', () => {
  test('keep what explains a model failure and drop the request, which holds the prompt', () => {
    const error = new APICallError({
      message: 'Too many requests',
      url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse-stream',
      requestBodyValues: { messages: [{ role: 'user', content: 'Confidential partner pipeline of Acme' }] },
      statusCode: 429,
      responseBody: '{"message":"Too many requests"}',
      isRetryable: true,
    });
    const summary = safeErrorSummary(error);
    expect(summary).toMatchObject({
      name: 'AI_APICallError',
      message: 'Too many requests',
      statusCode: 429,
      isRetryable: true,
    });
    expect(JSON.stringify(summary)).not.toContain('Confidential');
  });
});
