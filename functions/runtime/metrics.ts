import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type MetricName, metricNamespace, metricServiceName } from '../domain/observability/metric-definitions.ts';

export type MetricValues = Partial<Record<MetricName, { value: number; unit: 'Count' | 'Milliseconds' }>>;

/** Created on first use, so a process that sets POWERTOOLS_METRICS_DISABLED after loading still honours it. */
let metrics: Metrics | undefined;

function emitter(): Metrics {
  metrics ??= new Metrics({
    namespace: metricNamespace,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? metricServiceName,
  });
  return metrics;
}

export const count = (value = 1) => ({ value, unit: 'Count' as const });
export const milliseconds = (value: number) => ({
  value: Math.max(0, Math.round(value)),
  unit: 'Milliseconds' as const,
});

/**
 * Writes one embedded-metric-format line now: every value under each of the dimension sets (each set also carries
 * `service`), plus properties, which Logs Insights can search but which are not dimensions: organisation ids
 * belong there.
 *
 * Published at once rather than buffered until the handler returns: a streaming handler returns before its body
 * is sent, so a buffer flushed then would miss everything measured while streaming. Adding and publishing run
 * synchronously, so requests served side by side by one process (the local stack) never mix their values.
 */
export function publishMetrics(
  dimensionSets: Record<string, string>[],
  values: MetricValues,
  properties: Record<string, string | number> = {},
): void {
  const entries = Object.entries(values).filter(([, metric]) => metric !== undefined);
  if (entries.length === 0) return;
  const emf = emitter();
  for (const dimensions of dimensionSets) emf.addDimensions(dimensions);
  for (const [name, metric] of entries) {
    if (metric) emf.addMetric(name, MetricUnit[metric.unit], metric.value);
  }
  for (const [key, value] of Object.entries(properties)) emf.addMetadata(key, String(value));
  emf.publishStoredMetrics();
}
