import { describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { alarmThresholds } from '../../lib/definitions/alarm-thresholds.ts';
import { reportQueue, reportWorkerTimeoutSeconds } from '../../lib/definitions/queues.ts';
import { synthesizeStack } from './stack-fixture.ts';

const { stack, template } = synthesizeStack();
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
const { httpApi, streamProjector } = stack.functions;
const { queue, deadLetterQueue } = stack.reportQueues;
const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));

interface AlarmProperties {
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: unknown }[];
  Statistic: string;
  Period: number;
  Threshold: number;
  EvaluationPeriods: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
}
const alarms: AlarmProperties[] = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
  (resource) => resource.Properties,
);
const alarmsOn = (metricName: string, dimensionValue?: unknown) =>
  alarms.filter(
    (alarm) =>
      alarm.MetricName === metricName &&
      (dimensionValue === undefined ||
        JSON.stringify(alarm.Dimensions.map((d) => d.Value)) === JSON.stringify([dimensionValue])),
  );
/** The single alarm on this metric and dimension; fails when there is none or more than one. */
function alarmOn(metricName: string, dimensionValue: unknown): AlarmProperties {
  const found = alarmsOn(metricName, dimensionValue);
  expect(found).toHaveLength(1);
  return found[0] as AlarmProperties;
}

describe('alarms', () => {
  test('every alarm notifies the topic when it fires and when it recovers, and stays quiet without data', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
  });

  test('any message in either dead-letter queue', () => {
    expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(
      alarmOn('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'QueueName'] }),
    ).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, Statistic: 'Maximum' });
  });

  test('any invocation error and any throttle of every function', () => {
    for (const { function: fn } of Object.values(stack.functions)) {
      for (const metricName of ['Errors', 'Throttles']) {
        expect(alarmOn(metricName, ref(fn))).toMatchObject({
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
          Statistic: 'Sum',
          Threshold: 0,
          EvaluationPeriods: 1,
        });
      }
    }
  });

  test('any 5xx answer of the HTTP function URL, which the Errors metric does not count', () => {
    expect(alarmsOn('Url5xxCount')).toHaveLength(1);
    expect(alarmOn('Url5xxCount', ref(httpApi.function))).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: ref(httpApi.function) }],
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  test('the stream projector staying behind its stream', () => {
    const { maxAgeSeconds, minutes } = alarmThresholds.projectorIteratorAge;
    expect(alarmsOn('IteratorAge')).toHaveLength(1);
    expect(alarmOn('IteratorAge', ref(streamProjector.function))).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Period: 60,
      // IteratorAge is in milliseconds.
      Threshold: maxAgeSeconds * 1000,
      EvaluationPeriods: minutes,
    });
  });

  test('report messages older than a healthy retried message can get', () => {
    const alarm = alarmOn('ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] });
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', EvaluationPeriods: 1 });
    expect(alarm.Threshold).toBe(alarmThresholds.reportQueueOldestMessageSeconds);
    // Every receive may run the worker to its limit and then wait out a back-off: fewer seconds would alarm on
    // a report that is still being retried as designed.
    expect(alarm.Threshold).toBeGreaterThan(reportQueue.maxReceiveCount * reportWorkerTimeoutSeconds);
    expect(alarmsOn('ApproximateAgeOfOldestMessage')).toHaveLength(1);
  });

  test('the topic ARN is a stack output', () => {
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  test('the topic is KMS-encrypted, TLS-only, and emails only when an address is configured', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);

    const { template: withEmail } = synthesizeStack({ partneros: { alarmEmail: 'ops@example.test' } });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.test' });
  });
});
