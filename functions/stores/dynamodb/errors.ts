import { type Document, documentFromWire, type WireMap } from './wire-format.ts';

/**
 * DynamoDB's errors as the SDK threw them: an Error whose name is the error type, with the fields the code reads.
 * Items inside errors come back as documents (unlike the SDK, which left them marshalled): the
 * ConditionalCheckFailedException's Item (ReturnValuesOnConditionCheckFailure ALL_OLD) and each
 * TransactionCanceledException cancellation reason's Item.
 */
export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
  totalRetryDelay: number;
}

export interface DynamoServiceError extends Error {
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  /** Set when the error is worth retrying; throttling tells the longer back-off apart. */
  $retryable?: { throttling: boolean };
  Item?: Document;
  CancellationReasons?: Array<{ Code?: string; Message?: string; Item?: Document }>;
}

/** Error types the SDK's standard retry mode treats as throttling (longer back-off). */
const throttlingErrors = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'TransactionInProgressException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);
/** Transient error types and HTTP statuses the SDK retries. */
const transientErrors = new Set(['RequestTimeout', 'RequestTimeoutException', 'InternalServerError']);
const transientStatuses = new Set([500, 502, 503, 504]);

export function serviceError(status: number, headers: Headers, body: Record<string, unknown>): DynamoServiceError {
  const type = String(body.__type ?? headers.get('x-amzn-errortype') ?? '');
  const name = type.split('#').pop()?.split(':')[0] || `HttpStatus${status}`;
  const message = String(body.message ?? body.Message ?? name);
  const error = new Error(message) as DynamoServiceError;
  error.name = name;
  error.$fault = status >= 500 ? 'server' : 'client';
  const requestId = headers.get('x-amzn-requestid') ?? undefined;
  error.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}), attempts: 1, totalRetryDelay: 0 };
  const throttling = throttlingErrors.has(name) || status === 429;
  if (throttling || transientErrors.has(name) || transientStatuses.has(status)) error.$retryable = { throttling };
  if (body.Item) error.Item = documentFromWire(body.Item as WireMap);
  if (Array.isArray(body.CancellationReasons)) {
    error.CancellationReasons = (body.CancellationReasons as Array<{ Item?: WireMap } & Document>).map((reason) =>
      reason.Item ? { ...reason, Item: documentFromWire(reason.Item) } : reason,
    );
  }
  return error;
}

/** Network failures of fetch (connection reset or refused, DNS, timeouts) are retried like the SDK's. */
export const isNetworkError = (error: unknown): boolean =>
  error instanceof TypeError && (error.message === 'fetch failed' || error.cause !== undefined);
