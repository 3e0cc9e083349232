import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { environment } from '../runtime/environment.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { ApiError } from './api-error.ts';
import { corsHeaders, parseAllowedOrigins, preflightHeaders } from './cors.ts';
import { apiErrorFor } from './domain-errors.ts';
import { requestFromFunctionUrlEvent } from './function-url-event.ts';
import type { ApiRequest, ApiResponse } from './http-types.ts';
import { measuredResponse } from './request-metrics.ts';
import { errorResponse, noContent } from './responses.ts';
import { createRouter, type RouteObservation } from './router.ts';
import { routerTable } from './routes/index.ts';

const route = createRouter(routerTable);

async function respond(request: ApiRequest, observation: RouteObservation): Promise<ApiResponse> {
  try {
    return await route(request, observation);
  } catch (error) {
    const apiError = apiErrorFor(error);
    if (apiError) return errorResponse(apiError);
    logger.error('Unhandled error', { error: safeErrorSummary(error), path: request.path });
    return errorResponse(new ApiError('internal_error', 'Something went wrong on our side. Try again later.'));
  }
}

/** The whole HTTP API as one function of a Function URL event, independent of the Lambda runtime glue. */
export async function serveFunctionUrlEvent(event: LambdaFunctionURLEvent, requestId: string): Promise<ApiResponse> {
  const startedAt = performance.now();
  const settings = environment();
  const allowedOrigins = parseAllowedOrigins(settings.CORS_ALLOWED_ORIGINS);
  const origin = event.headers?.origin ?? event.headers?.Origin;
  const method = event.requestContext.http.method.toUpperCase();
  let response: ApiResponse;
  const observation: RouteObservation = {};
  if (method === 'OPTIONS') {
    observation.route = 'OPTIONS';
    response = noContent(preflightHeaders(origin, allowedOrigins));
  } else {
    try {
      response = await respond(requestFromFunctionUrlEvent(event, requestId, settings.MAX_BODY_BYTES), observation);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      response = errorResponse(error);
    }
  }
  response.headers = { ...response.headers, ...corsHeaders(origin, allowedOrigins), 'x-request-id': requestId };
  logger.info('request', {
    method,
    path: event.rawPath,
    status: response.statusCode,
    streamed: typeof response.body !== 'string',
    durationMs: Math.round(performance.now() - startedAt),
  });
  return measuredResponse(response, { startedAt, requestId, observation });
}
