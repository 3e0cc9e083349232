/**
 * One metrics line per HTTP response, published when the response body has ended: the Lambda handler returns a
 * streaming body long before it is sent, so only the end of the body knows the time to the first byte and the
 * whole duration. The runtime waits for the body before the invocation ends, so the line is always written inside
 * the invocation that served the request.
 */
import { metricNames } from '../domain/observability/metric-definitions.ts';
import { count, type MetricValues, milliseconds, publishMetrics } from '../runtime/metrics.ts';
import type { ApiResponse } from './http-types.ts';
import type { RouteObservation } from './router.ts';

/** The `route` dimension of a request no route matched (any path a client invents must not become a metric). */
export const unmatchedRoute = 'unmatched';

export const statusClass = (statusCode: number) => `${Math.floor(statusCode / 100)}xx`;

/** Statuses worth a count of their own: refused by quota, by rate or stream limits, and a model that failed. */
const refusalMetrics: Record<number, MetricValues> = {
  402: { [metricNames.quotaExceeded]: count() },
  429: { [metricNames.rateLimited]: count() },
  503: { [metricNames.modelUnavailable]: count() },
};

export interface MeasuredRequest {
  /** `performance.now()` when the invocation started. */
  startedAt: number;
  requestId: string;
  observation: RouteObservation;
}

function publishRequestMetrics(
  response: ApiResponse,
  { startedAt, requestId, observation }: MeasuredRequest,
  firstByteAt: number,
) {
  const route = observation.route ?? unmatchedRoute;
  publishMetrics(
    // One dimension set: a second one sharing `route` would make Powertools warn on every line. Per-route totals
    // are sums over the status classes.
    [{ route, statusClass: statusClass(response.statusCode) }],
    {
      [metricNames.requests]: count(),
      ...refusalMetrics[response.statusCode],
      [metricNames.timeToFirstByte]: milliseconds(firstByteAt - startedAt),
      [metricNames.responseDuration]: milliseconds(performance.now() - startedAt),
    },
    { requestId, ...(observation.organisationId ? { organisationId: observation.organisationId } : {}) },
  );
}

/**
 * The response with its body measured. A text body is sent at once, so it is published now; a stream is
 * published when it ends, fails or is cancelled (a client that went away), exactly once.
 */
export function measuredResponse(response: ApiResponse, request: MeasuredRequest): ApiResponse {
  const { body } = response;
  if (typeof body === 'string') {
    publishRequestMetrics(response, request, performance.now());
    return response;
  }
  let firstByteAt: number | undefined;
  let published = false;
  const publishOnce = () => {
    if (published) return;
    published = true;
    publishRequestMetrics(response, request, firstByteAt ?? performance.now());
  };
  // `cancel` (Node 18.19+, not yet in TypeScript's DOM types) runs when the body fails or the client goes away.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel: () => void } = {
    transform(chunk, controller) {
      if (firstByteAt === undefined && chunk.byteLength > 0) firstByteAt = performance.now();
      controller.enqueue(chunk);
    },
    flush: publishOnce,
    cancel: publishOnce,
  };
  return { ...response, body: body.pipeThrough(new TransformStream(transformer)) };
}
