import { describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { bedrockModelArns } from '../../lib/bedrock-model-arns.ts';
import { synthesizeStack, testEnv } from './stack-fixture.ts';

// One model per kind of id, so the scoping of each grant is visible.
const models = {
  icp: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ipp: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  partnerTypes: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  partnerSuggestions: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  reports: 'us.anthropic.claude-opus-4-1-20250805-v1:0',
  chat: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  embeddings: 'amazon.titan-embed-text-v2:0',
};
const { stack, template } = synthesizeStack({ env: testEnv, partneros: { models } });

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
/** The parts of IAM resources these tests read. */
interface IamResource {
  Type: string;
  Properties: { Roles?: unknown[]; ManagedPolicyArns?: unknown; PolicyDocument?: { Statement: Statement[] } };
}
const resources: Record<string, IamResource> = template.toJSON().Resources;
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOf(role: IConstruct): Statement[] {
  const roleId = logicalId(role);
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles ?? []).some((x) => JSON.stringify(x) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap((r) => r.Properties.PolicyDocument?.Statement ?? []);
}
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asArray(s.Action)).sort();
const bedrockResources = (role: IConstruct) =>
  statementsOf(role)
    .filter((s) => asArray(s.Action).some((action) => action.startsWith('bedrock:')))
    .flatMap((s) => {
      expect(asArray(s.Action).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
      return asArray(s.Resource);
    })
    .sort();

const { httpApi, reportWorker, streamProjector } = stack.functions;
const tableArn = { 'Fn::GetAtt': [logicalId(stack.table.table), 'Arn'] };

describe('Bedrock model ARNs', () => {
  const where = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };

  test('a cross-region inference profile needs the profile and the model in any region', () => {
    expect(bedrockModelArns('eu.amazon.nova-pro-v1:0', where)).toEqual([
      'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.amazon.nova-pro-v1:0',
      'arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  test('a global profile also needs the region-less model ARN', () => {
    expect(bedrockModelArns('global.anthropic.claude-sonnet-4-5-20250929-v1:0', where)).toContain(
      'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
  });

  test('a plain model id is the foundation model in this region; an ARN is used as given', () => {
    expect(bedrockModelArns('amazon.titan-embed-text-v2:0', where)).toEqual([
      'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
    ]);
    const arn = 'arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abc123';
    expect(bedrockModelArns(arn, where)).toEqual([arn]);
  });
});

describe('least privilege', () => {
  test('the HTTP API may invoke exactly its configured models', () => {
    expect(bedrockResources(httpApi.role)).toEqual(
      [
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
      ].sort(),
    );
  });

  test('the report worker may invoke only the report and embedding models', () => {
    expect(bedrockResources(reportWorker.role)).toEqual(
      [
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0',
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0',
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
      ].sort(),
    );
  });

  test('the stream projector only writes items, reads the stream and parks failures', () => {
    const statements = statementsOf(streamProjector.role);
    expect(bedrockResources(streamProjector.role)).toEqual([]);
    expect(actionsOf(statements)).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ].sort(),
    );
    const send = statements.find((s) => asArray(s.Action).includes('sqs:SendMessage'));
    expect(send?.Resource).not.toEqual({ 'Fn::GetAtt': [logicalId(stack.reportQueues.queue), 'Arn'] });
  });

  test('only the HTTP API may enqueue report jobs', () => {
    const reportQueueArn = { 'Fn::GetAtt': [logicalId(stack.reportQueues.queue), 'Arn'] };
    const sendsToReportQueue = (role: IConstruct) =>
      statementsOf(role).some(
        (s) =>
          asArray(s.Action).includes('sqs:SendMessage') &&
          JSON.stringify(s.Resource) === JSON.stringify(reportQueueArn),
      );
    expect([httpApi, reportWorker, streamProjector].map((fn) => sendsToReportQueue(fn.role))).toEqual([
      true,
      false,
      false,
    ]);
  });

  test('the report worker may change the visibility of report messages, and no other role of any queue', () => {
    const reportQueueArn = { 'Fn::GetAtt': [logicalId(stack.reportQueues.queue), 'Arn'] };
    const changesVisibility = (role: IConstruct) =>
      statementsOf(role).filter((s) => asArray(s.Action).includes('sqs:ChangeMessageVisibility'));
    // minimizePolicies merges it with the event source's statement on the same queue.
    expect(changesVisibility(reportWorker.role).map((s) => [s.Effect, s.Resource])).toEqual([
      ['Allow', reportQueueArn],
    ]);
    expect([httpApi, streamProjector].flatMap((fn) => changesVisibility(fn.role))).toEqual([]);
    // The event source mapping's receive and delete, and nothing broader than named SQS actions.
    const sqsActions = actionsOf(statementsOf(reportWorker.role)).filter((action) => action.startsWith('sqs:'));
    expect(sqsActions).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
  });

  test('table reads name the table and its indexes, never index/* or Scan', () => {
    for (const fn of [httpApi, reportWorker]) {
      const reads = statementsOf(fn.role).find((s) => asArray(s.Action).includes('dynamodb:Query'));
      expect(reads?.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/gsi1']] }]);
    }
    const allActions = Object.values(stack.functions).flatMap((fn) => actionsOf(statementsOf(fn.role)));
    expect(allActions).not.toContain('dynamodb:Scan');
  });

  test('no IAM statement allows every resource or every action, and no role uses a managed policy', () => {
    for (const resource of Object.values(resources)) {
      if (resource.Type === 'AWS::IAM::Role') expect(resource.Properties.ManagedPolicyArns).toBeUndefined();
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      for (const statement of resource.Properties.PolicyDocument?.Statement ?? []) {
        expect(asArray(statement.Resource)).not.toContain('*');
        for (const action of asArray(statement.Action)) expect(action).not.toMatch(/\*/);
      }
    }
  });
});
