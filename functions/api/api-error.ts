/**
 * The public error contract: every failure leaves the API as `{ error, code }` with a fixed
 * status per code, so clients can branch on `code` without parsing sentences.
 */
export const statusByErrorCode = {
  invalid_request: 400,
  /** The Idempotency-Key header is not 1-255 printable ASCII characters. */
  invalid_idempotency_key: 400,
  unauthorized: 401,
  quota_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The knowledge-base namespace would exceed its chunk limit; delete documents or use another namespace. */
  namespace_full: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  strategy_missing: 422,
  rate_limited: 429,
  /** The organisation has its maximum of open progress streams; retry after `Retry-After`. */
  too_many_streams: 429,
  internal_error: 500,
  model_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof statusByErrorCode;

export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

export interface ErrorBody {
  error: string;
  code: ErrorCode;
  details?: ValidationIssue[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ValidationIssue[],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = statusByErrorCode[code];
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return { error: this.message, code: this.code, ...(this.details ? { details: this.details } : {}) };
  }
}

export const notFound = (what = 'Resource') => new ApiError('not_found', `${what} not found.`);
