import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  metricDimensions,
  metricNames,
  metricNamespace,
  metricServiceName,
  reportRoute,
} from '../../functions/domain/observability/metric-definitions.ts';

interface Breach {
  metric: IMetric;
  /** The alarm fires when the metric is above this... */
  threshold: number;
  /** ...in this many consecutive periods. */
  periods: number;
}

const fiveMinutes = Duration.minutes(5);

export interface OperationalAlarmsProps {
  /** Subscribed to the alarm topic when set; otherwise subscribe to the topic yourself. */
  email?: string | undefined;
}

/** Alarms that mean "something was lost or is failing", all published to one encrypted SNS topic. */
export class OperationalAlarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the PartnerOS AI alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An AWS managed SNS key cannot be used: CloudWatch may only publish to a topic whose key policy lets it.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }

  /** Any message in a dead-letter queue is work that was given up on. */
  alarmOnDeadLetters(id: string, queue: IQueue): Alarm {
    return this.alarmAbove(
      id,
      {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        periods: 1,
      },
      `Messages in dead-letter queue ${queue.node.path}`,
    );
  }

  /** Errors the handler did not turn into a response: crashes, timeouts, failed batches. */
  alarmOnErrors(id: string, fn: IFunction): Alarm {
    return this.alarmAbove(
      id,
      { metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), threshold: 0, periods: 1 },
      `Invocation errors in ${fn.node.path}`,
    );
  }

  /**
   * 5xx answers of a function URL. A handler that turns failures into 5xx responses ends its invocation
   * normally, so these never show in `Errors`; Lambda counts them per URL in `Url5xxCount` (timeouts and
   * crashes included).
   */
  alarmOnUrlServerErrors(id: string, fn: IFunction): Alarm {
    const metric = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Url5xxCount',
      dimensionsMap: { FunctionName: fn.functionName },
      period: fiveMinutes,
      statistic: 'Sum',
    });
    return this.alarmAbove(id, { metric, threshold: 0, periods: 1 }, `5xx responses from the URL of ${fn.node.path}`);
  }

  /** Invocations refused for lack of concurrency (reserved concurrency or the account limit reached). */
  alarmOnThrottles(id: string, fn: IFunction): Alarm {
    return this.alarmAbove(
      id,
      { metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }), threshold: 0, periods: 1 },
      `Throttled invocations of ${fn.node.path}`,
    );
  }

  /** A stream consumer that stays behind: its oldest record was older than `maxAgeSeconds` for `minutes` minutes. */
  alarmOnIteratorAge(
    id: string,
    fn: IFunction,
    { maxAgeSeconds, minutes }: { maxAgeSeconds: number; minutes: number },
  ) {
    const metric = fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' });
    return this.alarmAbove(
      id,
      { metric, threshold: maxAgeSeconds * 1000, periods: minutes },
      `${fn.node.path} is more than ${maxAgeSeconds} s behind its stream`,
    );
  }

  /** Work that waits in a queue longer than a healthy message can live there. */
  alarmOnQueueAge(id: string, queue: IQueue, maxAgeSeconds: number): Alarm {
    return this.alarmAbove(
      id,
      {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: maxAgeSeconds,
        periods: 1,
      },
      `Oldest message in ${queue.node.path} is older than ${maxAgeSeconds} s`,
    );
  }

  /** Report sections failing again and again: the API's own `SectionFailures` metric of the report worker. */
  alarmOnReportSectionFailures(id: string, { count, periods }: { count: number; periods: number }): Alarm {
    const metric = new Metric({
      namespace: metricNamespace,
      metricName: metricNames.sectionFailures,
      dimensionsMap: { [metricDimensions.service]: metricServiceName, [metricDimensions.route]: reportRoute },
      period: fiveMinutes,
      statistic: 'Sum',
    });
    return this.alarmAbove(
      id,
      { metric, threshold: count, periods },
      `More than ${count} report sections failed in each of ${periods} periods of 5 minutes`,
    );
  }

  private alarmAbove(id: string, { metric, threshold, periods }: Breach, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      // Lambda and SQS publish no data point while nothing happens: quiet is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    // Also notify on recovery, so an email inbox shows when a problem is over.
    alarm.addOkAction(this.action);
    return alarm;
  }
}
