import { Duration, Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  type MetricName,
  metricDimensions,
  metricNames,
  metricNamespace,
} from '../../functions/domain/observability/metric-definitions.ts';

const { service, route, statusClass } = metricDimensions;
const fiveMinutes = Duration.minutes(5);
const oneHour = Duration.hours(1);

/** HTTP request metrics carry `route` and `statusClass`; token and report metrics carry `route` alone. */
const requestMetrics = new Set<MetricName>([
  metricNames.requests,
  metricNames.quotaExceeded,
  metricNames.rateLimited,
  metricNames.modelUnavailable,
  metricNames.timeToFirstByte,
  metricNames.responseDuration,
]);

/** The CloudWatch SEARCH term of a metric, optionally narrowed to one status class. */
function searchTerm(metric: MetricName, status?: string): string {
  const schema = requestMetrics.has(metric) ? `${service},${route},${statusClass}` : `${service},${route}`;
  const filter = status ? ` ${statusClass}="${status}"` : '';
  return `{${metricNamespace},${schema}} MetricName="${metric}"${filter}`;
}

/**
 * Every series of a metric by route (and status class), found with a CloudWatch SEARCH so that a new route shows up
 * without a deployment. Organisations are not a dimension, so a graph never grows per tenant.
 */
function byRoute(metric: MetricName, statistic: string, period: Duration, { label = '', status = '' } = {}): IMetric {
  return new MathExpression({
    expression: `SEARCH('${searchTerm(metric, status || undefined)}', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label,
    period,
  });
}

/** One series: the metric summed over every route (of one status class, when given). */
function total(metric: MetricName, label: string, period: Duration, status?: string): IMetric {
  return new MathExpression({
    expression: `SUM(SEARCH('${searchTerm(metric, status)}', 'Sum', ${period.toSeconds()}))`,
    usingMetrics: {},
    label,
    period,
  });
}

const graph = (title: string, left: IMetric[], leftLabel: string) =>
  new GraphWidget({ title, left, width: 12, height: 6, leftYAxis: { label: leftLabel, min: 0, showUnits: false } });

/**
 * The API's own metrics (namespace `PartnerOS`, embedded metric format) on one dashboard: traffic and refusals,
 * latency to the first byte, model tokens and the report pipeline. What each graph means: docs/observability.md.
 */
export class OperationalDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '## PartnerOS AI\nRequests, refusals and latency by route; model tokens by route; report pipeline. ' +
          "Organisation ids are in each metric line's properties (CloudWatch Logs Insights), never a dimension.",
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Requests by route and status class',
        [byRoute(metricNames.requests, 'Sum', fiveMinutes)],
        'requests / 5 min',
      ),
      graph(
        'Responses by status class',
        ['2xx', '4xx', '5xx'].map((status) => total(metricNames.requests, status, fiveMinutes, status)),
        'responses / 5 min',
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Refused and failed AI requests',
        [
          total(metricNames.quotaExceeded, '402 quota exceeded', fiveMinutes),
          total(metricNames.rateLimited, '429 rate or stream limit', fiveMinutes),
          total(metricNames.modelUnavailable, '503 model unavailable', fiveMinutes),
        ],
        'responses / 5 min',
      ),
      graph(
        'Time to first byte (p95) of 2xx responses by route',
        [byRoute(metricNames.timeToFirstByte, 'p95', fiveMinutes, { status: '2xx' })],
        'ms',
      ),
    );
    this.dashboard.addWidgets(
      graph('Input tokens by route', [byRoute(metricNames.inputTokens, 'Sum', oneHour)], 'tokens / hour'),
      graph('Output tokens by route', [byRoute(metricNames.outputTokens, 'Sum', oneHour)], 'tokens / hour'),
    );
    this.dashboard.addWidgets(
      graph(
        'Prompt cache tokens',
        [
          total(metricNames.cacheReadTokens, 'cache read', oneHour),
          total(metricNames.cacheWriteTokens, 'cache write', oneHour),
        ],
        'tokens / hour',
      ),
      graph(
        'Response duration (p95) of 2xx responses by route',
        [byRoute(metricNames.responseDuration, 'p95', fiveMinutes, { status: '2xx' })],
        'ms',
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Report duration, request to completion',
        [
          byRoute(metricNames.reportDuration, 'p50', fiveMinutes, { label: 'p50' }),
          byRoute(metricNames.reportDuration, 'p95', fiveMinutes, { label: 'p95' }),
        ],
        'ms',
      ),
      graph(
        'Report section failures',
        [total(metricNames.sectionFailures, 'failed sections', fiveMinutes)],
        'sections / 5 min',
      ),
    );
  }
}
