/**
 * Bedrock's error responses as the provider parses them: an HTTP status, an `x-amzn-errortype` header naming
 * the exception, and a JSON body with `message`. The provider maps status to APICallError.isRetryable
 * (429 and 5xx retryable), so the status codes here decide whether the AI SDK retries.
 */
import { type BedrockErrorKind, ModelGeneratorError } from './converse-types.ts';
import type { StreamExceptionType } from './event-stream.ts';
import type { HttpResponse } from './listener.ts';

interface BedrockErrorShape {
  status: number;
  errorType: string;
  streamExceptionType: StreamExceptionType;
  message: string;
}

export const BEDROCK_ERRORS: Record<BedrockErrorKind, BedrockErrorShape> = {
  throttle: {
    status: 429,
    errorType: 'ThrottlingException',
    streamExceptionType: 'throttlingException',
    message: 'Too many requests, please wait before trying again.',
  },
  unavailable: {
    status: 503,
    errorType: 'ServiceUnavailableException',
    streamExceptionType: 'serviceUnavailableException',
    message: 'Bedrock is unable to process your request.',
  },
  internal: {
    status: 500,
    errorType: 'InternalServerException',
    streamExceptionType: 'internalServerException',
    message: 'The server encountered an internal error while processing the request.',
  },
  validation: {
    status: 400,
    errorType: 'ValidationException',
    streamExceptionType: 'validationException',
    message: 'The provided request is not valid.',
  },
};

export function writeBedrockError(
  res: HttpResponse,
  requestId: string,
  error: { status: number; errorType: string; message: string },
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify({ message: error.message });
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    // Real Bedrock appends ":<namespace URI>" here; SDK error parsers strip it, so the bare type is enough.
    'x-amzn-errortype': error.errorType,
    ...extraHeaders,
  });
  res.end(body);
}

/** A generator's ModelGeneratorError keeps its Bedrock meaning; anything else is an internal error. */
export function errorResponseFor(error: unknown): { status: number; errorType: string; message: string } {
  const shape = error instanceof ModelGeneratorError ? BEDROCK_ERRORS[error.kind] : BEDROCK_ERRORS.internal;
  return { ...shape, message: error instanceof Error ? error.message : String(error) };
}
