import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { languageModel } from '../ai/models.ts';
import { processReportQueue } from '../reports/process-report-queue.ts';
import { reportJobSafetyMarginMs, runReportJob } from '../reports/run-report-job.ts';
import { logger } from '../runtime/logger.ts';

/** SQS consumer of the report queue (partial batch failures enabled on the event source). */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => {
    const stopAt = Date.now() + context.getRemainingTimeInMillis() - reportJobSafetyMarginMs;
    return processReportQueue(event.Records, async (job, receiveCount) =>
      runReportJob(job, receiveCount, { model: languageModel('reports'), stopAt }),
    );
  });
