import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { ApiError } from './api-error.ts';
import type { ApiRequest } from './http-types.ts';

/** Translates a Function URL (payload 2.0) event; rejects bodies above `maxBodyBytes` with 413. */
export function requestFromFunctionUrlEvent(
  event: LambdaFunctionURLEvent,
  requestId: string,
  maxBodyBytes: number,
): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  let body: string | undefined;
  if (event.body !== undefined && event.body !== null) {
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (bytes.byteLength > maxBodyBytes) {
      throw new ApiError('payload_too_large', `The request body is larger than ${maxBodyBytes} bytes.`);
    }
    body = bytes.toString('utf8');
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) query[name] = value;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath || '/',
    query,
    headers,
    body,
    requestId,
  };
}
