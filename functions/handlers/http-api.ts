import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { serveFunctionUrlEvent } from '../api/http-app.ts';
import type { ApiResponse } from '../api/http-types.ts';
import { logger } from '../runtime/logger.ts';

/** Function URL entry point (RESPONSE_STREAM): JSON, text streams and SSE all leave through here. */
export const handler = middy<LambdaFunctionURLEvent, ApiResponse>({ executionMode: executionModeStreamifyResponse })
  .use(injectLambdaContext(logger))
  .handler((event: LambdaFunctionURLEvent, context: Context) => serveFunctionUrlEvent(event, context.awsRequestId));
