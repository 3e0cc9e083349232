import { describe, expect, test } from '@jest/globals';
import {
  metricNames,
  metricNamespace,
  metricServiceName,
  reportRoute,
} from '../../functions/domain/observability/metric-definitions.ts';
import { alarmThresholds } from '../../lib/definitions/alarm-thresholds.ts';
import { synthesizeStack } from './stack-fixture.ts';

const { template } = synthesizeStack();

/** The dashboard body as CloudFormation renders it: a JSON string joined around tokens such as the region. */
function dashboardBody(): string {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof body === 'string') return body;
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
}

describe('operational dashboard', () => {
  const body = dashboardBody();
  const widgets = (JSON.parse(body.replaceAll('<token>', 'token')) as { widgets: { type: string }[] }).widgets;
  const expressions = [...body.matchAll(/"expression":"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? '');

  test('draws every metric the functions emit, from the shared definition', () => {
    for (const name of Object.values(metricNames)) {
      expect(expressions.some((expression) => expression.includes(`MetricName=\\"${name}\\"`))).toBe(true);
    }
    expect(widgets.filter((widget) => widget.type === 'metric').length).toBeGreaterThanOrEqual(8);
  });

  test('searches the API namespace by route, never by organisation', () => {
    expect(expressions.length).toBeGreaterThan(0);
    for (const expression of expressions) {
      expect(expression).toContain(`{${metricNamespace},service,route`);
      expect(expression).not.toMatch(/organisation/i);
    }
  });

  test('repeated report section failures raise an alarm on the metric the worker writes', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((resource) => resource.Properties)
      .filter((alarm) => alarm.MetricName === metricNames.sectionFailures);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      Namespace: metricNamespace,
      Dimensions: expect.arrayContaining([
        { Name: 'service', Value: metricServiceName },
        { Name: 'route', Value: reportRoute },
      ]),
      Threshold: alarmThresholds.reportSectionFailures.count,
      EvaluationPeriods: alarmThresholds.reportSectionFailures.periods,
    });
  });

  test('the functions run under the service name the alarm and dashboard expect', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(metricServiceName);
    }
  });

  test('is named in a stack output', () => {
    expect(template.findOutputs('DashboardName')).toHaveProperty('DashboardName');
  });
});
