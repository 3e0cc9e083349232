import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { projectStreamRecords } from '../reports/project-stream-records.ts';
import { logger } from '../runtime/logger.ts';

/** DynamoDB stream consumer: report and section changes → per-report event log (the SSE source). */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler((event) => projectStreamRecords(event.Records));
