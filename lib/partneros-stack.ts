import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FunctionUrlAuthType, InvokeMode, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { metricServiceName } from '../functions/domain/observability/metric-definitions.ts';
import { type Environment, environmentSchema } from '../functions/runtime/environment.ts';
import { bedrockModelArnsFor } from './bedrock-model-arns.ts';
import type { ModelPurpose, StackConfig } from './config.ts';
import { OperationalAlarms } from './constructs/operational-alarms.ts';
import { OperationalDashboard } from './constructs/operational-dashboard.ts';
import { PartnerOsFunction } from './constructs/partneros-function.ts';
import { PartnerOsTable } from './constructs/partneros-table.ts';
import { ReportQueues } from './constructs/report-queues.ts';
import { secureQueue } from './constructs/secure-queue.ts';
import { alarmThresholds } from './definitions/alarm-thresholds.ts';
import { settingsEnvironment } from './definitions/function-environment.ts';
import { type FunctionName, functionDefinitions, functionNodeOptions } from './definitions/functions.ts';
import { reportQueue } from './definitions/queues.ts';
import { projectorFilterPattern, projectorRetryAttempts } from './definitions/table.ts';
import {
  assertModelsCallableFrom,
  assertSseTimeoutFits,
  modelRegionMessage,
  modelRegionMismatches,
} from './deployment-checks.ts';

export interface PartnerOsStackProps extends StackProps {
  config: StackConfig;
  /** Root of the repository (package-lock.json, function entries). Defaults to this checkout. */
  projectRoot?: string;
  /** More variables for every function (context `functionEnvironment`, lib/extra-function-environment.ts). */
  extraFunctionEnvironment?: Record<string, string>;
}

/** The models each function calls; Bedrock access is granted for these and nothing else. */
export const modelPurposesByFunction = {
  httpApi: ['icp', 'ipp', 'partnerTypes', 'partnerSuggestions', 'chat', 'embeddings'],
  reportWorker: ['reports', 'embeddings'],
  streamProjector: [],
} as const satisfies Record<FunctionName, readonly ModelPurpose[]>;

const defaultProjectRoot = fileURLToPath(new URL('..', import.meta.url));

export class PartnerOsStack extends Stack {
  readonly table: PartnerOsTable;
  readonly reportQueues: ReportQueues;
  readonly functions: Record<FunctionName, PartnerOsFunction>;

  constructor(scope: Construct, id: string, props: PartnerOsStackProps) {
    super(scope, id, {
      description: 'PartnerOS AI API: streamed Bedrock generation, report pipeline, SSE progress',
      ...props,
    });
    const { config } = props;
    this.checkConfigurationFitsDeployment(config);

    this.table = new PartnerOsTable(this, 'Data', { deletionProtection: config.tableDeletionProtection });
    this.reportQueues = new ReportQueues(this, 'Reports');

    const functionEnvironment = {
      TABLE_NAME: this.table.table.tableName,
      REPORT_QUEUE_URL: this.reportQueues.queue.queueUrl,
      ...settingsEnvironment(config),
      DEPLOYMENT_MODE: 'aws',
    } satisfies Record<keyof Environment, string>;
    // Fail the synth, not the first cold start, if a value breaks the functions' contract.
    environmentSchema.parse(functionEnvironment);

    const makeFunction = (name: FunctionName, id: string) =>
      new PartnerOsFunction(this, id, {
        definition: functionDefinitions[name],
        projectRoot: props.projectRoot ?? defaultProjectRoot,
        logRetention: config.logRetentionDays,
        reservedConcurrency: config.reservedConcurrency[name],
        environment: {
          ...functionEnvironment,
          NODE_OPTIONS: functionNodeOptions,
          POWERTOOLS_SERVICE_NAME: metricServiceName,
          LOG_LEVEL: config.logLevel,
          ...props.extraFunctionEnvironment,
        },
      });
    this.functions = {
      httpApi: makeFunction('httpApi', 'HttpApi'),
      reportWorker: makeFunction('reportWorker', 'ReportWorker'),
      streamProjector: makeFunction('streamProjector', 'StreamProjector'),
    };
    const { httpApi, reportWorker, streamProjector } = this.functions;

    this.table.grantItemReadWrite(httpApi.role);
    this.reportQueues.queue.grantSendMessages(httpApi.role);
    this.table.grantItemReadWrite(reportWorker.role);
    // A failed delivery is backed off by hiding the message longer; receive and delete come with the event source.
    reportWorker.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:ChangeMessageVisibility'], resources: [this.reportQueues.queue.queueArn] }),
    );
    this.table.grantItemWrite(streamProjector.role);
    for (const name of ['httpApi', 'reportWorker'] as const) {
      this.grantModelInvocation(this.functions[name], modelPurposesByFunction[name], config);
    }

    // CORS is answered by the handler (also for OPTIONS), so the local server and AWS behave the same.
    const apiUrl = httpApi.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });

    reportWorker.function.addEventSource(
      new SqsEventSource(this.reportQueues.queue, {
        batchSize: reportQueue.batchSize,
        reportBatchItemFailures: true,
        // Reports beyond this wait in the queue instead of taking concurrency from the API.
        maxConcurrency: config.reportWorkerMaxConcurrency,
      }),
    );

    const projectorFailures = secureQueue(this, 'ProjectorFailureQueue', {
      retentionPeriod: Duration.days(14),
    });
    Validations.of(projectorFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination: the on-failure target of the stream event source ' +
        'mapping, holding descriptions of batches that exhausted their retries. It is alarmed when non-empty.',
    });
    streamProjector.function.addEventSource(
      new DynamoEventSource(this.table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        filters: [FilterCriteria.filter(projectorFilterPattern)],
        // Failed batches are halved by bisect on each of the projectorRetryAttempts retries.
        bisectBatchOnError: true,
        retryAttempts: projectorRetryAttempts,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(projectorFailures),
      }),
    );

    const alarms = new OperationalAlarms(this, 'Alarms', { email: config.alarmEmail });
    alarms.alarmOnDeadLetters('ReportDeadLetters', this.reportQueues.deadLetterQueue);
    alarms.alarmOnDeadLetters('ProjectorFailures', projectorFailures);
    alarms.alarmOnErrors('HttpApiErrors', httpApi.function);
    alarms.alarmOnErrors('ReportWorkerErrors', reportWorker.function);
    alarms.alarmOnErrors('StreamProjectorErrors', streamProjector.function);
    alarms.alarmOnUrlServerErrors('HttpApiServerErrors', httpApi.function);
    alarms.alarmOnThrottles('HttpApiThrottles', httpApi.function);
    alarms.alarmOnThrottles('ReportWorkerThrottles', reportWorker.function);
    alarms.alarmOnThrottles('StreamProjectorThrottles', streamProjector.function);
    alarms.alarmOnIteratorAge('StreamProjectorLag', streamProjector.function, alarmThresholds.projectorIteratorAge);
    alarms.alarmOnQueueAge(
      'ReportQueueBacklog',
      this.reportQueues.queue,
      alarmThresholds.reportQueueOldestMessageSeconds,
    );
    alarms.alarmOnReportSectionFailures('ReportSectionFailures', alarmThresholds.reportSectionFailures);

    const dashboard = new OperationalDashboard(this, 'Operations');

    new CfnOutput(this, 'ApiBaseUrl', { value: apiUrl.url, description: 'Base URL of the PartnerOS AI API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'ReportQueueUrl', { value: this.reportQueues.queue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'SNS topic every alarm notifies; subscribe to it (or set alarmEmail)',
    });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }

  /**
   * Settings that validate on their own but cannot work in this deployment fail the synth. The region is only
   * known when the stack is pinned to one; `cdk` still tells an environment-agnostic app the CLI's region, which
   * deserves a warning because the template may be deployed elsewhere.
   */
  private checkConfigurationFitsDeployment(config: StackConfig): void {
    assertSseTimeoutFits(config.sse.timeoutMs, functionDefinitions.httpApi.timeoutSeconds);
    if (!Token.isUnresolved(this.region)) {
      assertModelsCallableFrom(config.models, this.region);
      return;
    }
    const cliRegion = process.env.CDK_DEFAULT_REGION;
    const mismatches = cliRegion ? modelRegionMismatches(config.models, cliRegion) : [];
    if (cliRegion && mismatches.length > 0) {
      Annotations.of(this).addWarningV2('partneros:model-region', modelRegionMessage(mismatches, cliRegion));
    }
  }

  private grantModelInvocation(fn: PartnerOsFunction, purposes: readonly ModelPurpose[], config: StackConfig): void {
    const modelIds = purposes.map((purpose) => config.models[purpose]);
    const arns = bedrockModelArnsFor(modelIds, {
      partition: this.partition,
      region: this.region,
      account: this.account,
    });
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: arns,
      }),
    );
    // cdk-nag names a finding by the ARN as it renders it, with unresolved tokens as <AWS::…>.
    const nagPartition = Token.isUnresolved(this.partition) ? '<AWS::Partition>' : this.partition;
    for (const arn of arns.filter((candidate) => candidate.includes(':bedrock:*:'))) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn.replace(this.partition, nagPartition)}]`,
        reason:
          'A cross-region inference profile routes each request to the foundation model in any region of its ' +
          'geography, a set AWS manages and extends, so the foundation-model ARN needs a region wildcard. ' +
          'It names exactly one configured model; the inference-profile ARN is region- and account-specific.',
      });
    }
  }
}
