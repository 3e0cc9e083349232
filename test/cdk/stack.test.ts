import { describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { environmentSchema } from '../../functions/runtime/environment.ts';
import { functionDefinitions } from '../../lib/definitions/functions.ts';
import { reportQueue, reportWorkerTimeoutSeconds } from '../../lib/definitions/queues.ts';
import {
  projectorFilterPattern,
  secondaryIndexes,
  streamViewType,
  tableKeys,
  timeToLiveAttribute,
} from '../../lib/definitions/table.ts';
import { synthesizeStack } from './stack-fixture.ts';

const { stack, config, template } = synthesizeStack();
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
const getAtt = (construct: IConstruct, attribute: string) => ({ 'Fn::GetAtt': [logicalId(construct), attribute] });

const { httpApi, reportWorker, streamProjector } = stack.functions;
const table = stack.table.table;
const { queue, deadLetterQueue } = stack.reportQueues;

describe('table', () => {
  test('is one on-demand table with the shared key layout, stream, TTL and indexes', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: streamViewType },
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      GlobalSecondaryIndexes: secondaryIndexes.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  test('survives stack deletion', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('deletion protection follows the configuration', () => {
    const { template: unprotected } = synthesizeStack({ partneros: { tableDeletionProtection: false } });
    unprotected.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });
});

describe('queues', () => {
  test('the report queue redrives to its DLQ and outlives a worker invocation', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: reportQueue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: reportQueue.retentionSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(deadLetterQueue, 'Arn'),
        maxReceiveCount: reportQueue.maxReceiveCount,
      },
    });
    const resources = template.toJSON().Resources;
    const workerTimeout = resources[logicalId(reportWorker.function)].Properties.Timeout;
    expect(workerTimeout).toBe(reportWorkerTimeoutSeconds);
    expect(resources[logicalId(queue)].Properties.VisibilityTimeout).toBeGreaterThan(workerTimeout);
  });

  test('every queue is encrypted and refuses plain-HTTP access', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(3);
    for (const [id, resource] of Object.entries(queues)) {
      expect(resource.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('functions', () => {
  test('all three run Node.js 24 on ARM64 with the shared sizes', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    for (const definition of Object.values(functionDefinitions)) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: definition.description,
        MemorySize: definition.memoryMiB,
        Timeout: definition.timeoutSeconds,
      });
    }
  });

  test('each writes to its own log group with the configured retention', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: config.logRetentionDays });
    for (const { function: fn, logGroup } of Object.values(stack.functions)) {
      expect(template.toJSON().Resources[logicalId(fn)].Properties.LoggingConfig).toEqual({
        LogGroup: ref(logGroup),
      });
    }
  });

  test('get exactly the environment contract plus runtime settings', () => {
    const expected = {
      TABLE_NAME: ref(table),
      REPORT_QUEUE_URL: ref(queue),
      CORS_ALLOWED_ORIGINS: config.corsAllowedOrigins.join(','),
      DEFAULT_MONTHLY_QUOTA: String(config.defaultMonthlyQuota),
      DEFAULT_AI_REQUESTS_PER_MINUTE: String(config.defaultAiRequestsPerMinute),
      MAX_BODY_BYTES: String(config.maxBodyBytes),
      ICP_CACHE_TTL_SECONDS: String(config.icpCacheTtlSeconds),
      MODEL_IDS: JSON.stringify(config.models),
      SSE_HEARTBEAT_MS: String(config.sse.heartbeatMs),
      SSE_TIMEOUT_MS: String(config.sse.timeoutMs),
      SSE_POLL_MIN_MS: String(config.sse.pollMinMs),
      SSE_POLL_MAX_MS: String(config.sse.pollMaxMs),
      SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(config.sse.maxConnectionsPerOrganisation),
      KB_MAX_CHUNKS_PER_DOCUMENT: String(config.knowledgeBase.maxChunksPerDocument),
      KB_MAX_CHUNKS_PER_NAMESPACE: String(config.knowledgeBase.maxChunksPerNamespace),
      KB_CHUNKS_PER_QUOTA_UNIT: String(config.knowledgeBase.chunksPerQuotaUnit),
      REPORT_SECTION_CONCURRENCY: String(config.reportSectionConcurrency),
      PROMPT_CACHING: config.promptCaching ? 'on' : 'off',
      DEPLOYMENT_MODE: 'aws',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'partneros-ai',
      LOG_LEVEL: config.logLevel,
    };
    expect(Object.keys(environmentSchema.shape).every((key) => key in expected)).toBe(true);
    for (const { function: fn } of Object.values(stack.functions)) {
      expect(template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables).toEqual(expected);
    }
  });

  test('context values reach the environment', () => {
    const { template: custom } = synthesizeStack({
      partneros: {
        corsAllowedOrigins: ['https://app.example.test', 'http://localhost:3000'],
        defaultMonthlyQuota: 42,
        defaultAiRequestsPerMinute: 7,
        models: { chat: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' },
      },
    });
    custom.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CORS_ALLOWED_ORIGINS: 'https://app.example.test,http://localhost:3000',
          DEFAULT_MONTHLY_QUOTA: '42',
          DEFAULT_AI_REQUESTS_PER_MINUTE: '7',
          MODEL_IDS: Match.serializedJson(
            Match.objectLike({ chat: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', icp: config.models.icp }),
          ),
        }),
      },
    });
  });
});

describe('HTTP API', () => {
  test('is a public, streaming function URL without URL-level CORS', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: getAtt(httpApi.function, 'Arn'),
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      Cors: Match.absent(),
    });
  });

  test('outputs the API base URL, table name and report queue URL', () => {
    const url = template.findResources('AWS::Lambda::Url');
    const [urlId] = Object.keys(url);
    template.hasOutput('ApiBaseUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
    template.hasOutput('TableName', { Value: ref(table) });
    template.hasOutput('ReportQueueUrl', { Value: ref(queue) });
  });
});

describe('event sources', () => {
  test('the report worker consumes the report queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(reportWorker.function),
      EventSourceArn: getAtt(queue, 'Arn'),
      BatchSize: reportQueue.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('the projector reads the filtered table stream and parks failed batches', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: ref(streamProjector.function) },
    });
    const [mapping] = Object.values(mappings);
    expect(Object.keys(mappings)).toHaveLength(1);
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: getAtt(table, 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: expect.any(Number),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
    });
    const filters = mapping?.Properties.FilterCriteria.Filters as { Pattern: string }[];
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([projectorFilterPattern]);
    const failureQueueId = mapping?.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[failureQueueId].Type).toBe('AWS::SQS::Queue');
  });
});
