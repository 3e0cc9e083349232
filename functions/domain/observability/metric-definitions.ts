/**
 * The names of the API's own CloudWatch metrics, in one place: the functions emit them (embedded metric format)
 * and the stack's dashboard draws them, so a renamed metric cannot leave an empty graph behind. Plain data, no
 * imports: the CDK app and the Lambda bundles both load it.
 */
export const metricNamespace = 'PartnerOS';

/** Dimension names. Organisation ids are never a dimension (one custom metric per tenant); they go in properties. */
export const metricDimensions = {
  /** Every metric: the function's service name. */
  service: 'service',
  /** The HTTP route pattern (`POST /api/ai/icp`), or the usage route for tokens and reports (`icp`, `reports`). */
  route: 'route',
  /** `2xx`, `4xx`, `5xx`: every HTTP request metric carries it beside `route`. */
  statusClass: 'statusClass',
} as const;

export const metricNames = {
  /** One per HTTP response, by route and status class. */
  requests: 'Requests',
  /** 402 `quota_exceeded` answers. */
  quotaExceeded: 'QuotaExceeded',
  /** 429 answers (`rate_limited`, `too_many_streams`). */
  rateLimited: 'RateLimited',
  /** 503 `model_unavailable` answers. */
  modelUnavailable: 'ModelUnavailable',
  /** Milliseconds from the start of the invocation to the first body byte. */
  timeToFirstByte: 'TimeToFirstByte',
  /** Milliseconds from the start of the invocation to the end of the response body. */
  responseDuration: 'ResponseDuration',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  cacheReadTokens: 'CacheReadTokens',
  cacheWriteTokens: 'CacheWriteTokens',
  /** Milliseconds one report job delivery took, when it completed the report. */
  reportDuration: 'ReportDuration',
  /** Report sections whose generation failed (the delivery is retried). */
  sectionFailures: 'SectionFailures',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The `route` dimension of the report worker's metrics. */
export const reportRoute = 'reports';

/** The `service` dimension's value: every function's POWERTOOLS_SERVICE_NAME. */
export const metricServiceName = 'partneros-ai';
