import { afterEach, describe, expect, test } from '@jest/globals';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { StackConfigInput } from '../../lib/config.ts';
import { functionDefinitions } from '../../lib/definitions/functions.ts';
import { assertSseTimeoutFits, modelRegionMismatches, sseTimeoutMarginSeconds } from '../../lib/deployment-checks.ts';
import { synthesizeStack } from './stack-fixture.ts';

const account = '123456789012';
const synthIn = (region: string | undefined, partneros: StackConfigInput = {}) =>
  synthesizeStack({ partneros, ...(region && { env: { account, region } }) });
const sonnet = (prefix: string) => `${prefix}.anthropic.claude-sonnet-4-5-20250929-v1:0`;

describe('models must be callable from the stack region', () => {
  test.each([
    ['us', 'eu-central-1'],
    ['us', 'us-gov-west-1'],
    ['us-gov', 'us-east-1'],
    ['eu', 'us-east-1'],
    ['apac', 'eu-west-1'],
    ['jp', 'ap-southeast-2'],
    ['au', 'ap-northeast-1'],
    ['ca', 'us-west-2'],
  ])('a "%s." profile cannot serve %s', (prefix, region) => {
    expect(modelRegionMismatches({ reports: sonnet(prefix) }, region)).toEqual([
      `models.reports = "${sonnet(prefix)}" is a "${prefix}." inference profile`,
    ]);
  });

  test.each([
    ['us', 'us-east-2'],
    ['us-gov', 'us-gov-west-1'],
    ['eu', 'eu-central-1'],
    ['apac', 'ap-south-1'],
    ['jp', 'ap-northeast-3'],
    ['au', 'ap-southeast-4'],
    ['ca', 'ca-central-1'],
  ])('a "%s." profile serves %s', (prefix, region) => {
    expect(modelRegionMismatches({ reports: sonnet(prefix) }, region)).toEqual([]);
  });

  test('a stack pinned to a region its models cannot serve fails the synth, naming every such model', () => {
    const models = { icp: 'eu.amazon.nova-pro-v1:0', chat: 'eu.amazon.nova-lite-v1:0' };
    expect(() => synthIn('us-east-1', { models })).toThrow(
      /cannot be called from region us-east-1:\n {2}- models\.icp = "eu\.amazon\.nova-pro-v1:0".*\n {2}- models\.chat/,
    );
  });

  test.each(['us-east-1', 'eu-west-1', 'ap-southeast-2'])(
    'global profiles (the defaults), plain model ids and ARNs deploy in %s',
    (region) => {
      const arn = `arn:aws:bedrock:${region}:${account}:application-inference-profile/abc123`;
      expect(() => synthIn(region)).not.toThrow();
      expect(() => synthIn(region, { models: { chat: 'amazon.nova-lite-v1:0', reports: arn } })).not.toThrow();
    },
  );

  describe('an environment-agnostic stack', () => {
    const cliRegion = process.env.CDK_DEFAULT_REGION;
    afterEach(() => {
      if (cliRegion === undefined) delete process.env.CDK_DEFAULT_REGION;
      else process.env.CDK_DEFAULT_REGION = cliRegion;
    });
    const euModels = { models: { chat: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' } };
    const regionWarnings = (stack: ReturnType<typeof synthIn>['stack']) =>
      Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cannot be called from region'));

    test('synthesizes with any model, since its region is only known at deploy time', () => {
      delete process.env.CDK_DEFAULT_REGION;
      expect(regionWarnings(synthIn(undefined, euModels).stack)).toHaveLength(0);
    });

    test('warns when the region the CLI would deploy to cannot call a model', () => {
      process.env.CDK_DEFAULT_REGION = 'us-east-1';
      expect(regionWarnings(synthIn(undefined, euModels).stack)).toHaveLength(1);
      process.env.CDK_DEFAULT_REGION = 'eu-west-1';
      expect(regionWarnings(synthIn(undefined, euModels).stack)).toHaveLength(0);
    });
  });
});

describe('the SSE timeout must end streams before the HTTP function is stopped', () => {
  const functionTimeoutSeconds = functionDefinitions.httpApi.timeoutSeconds;
  const longestTimeoutMs = (functionTimeoutSeconds - sseTimeoutMarginSeconds) * 1000;

  test('the longest allowed timeout passes; one millisecond more fails with the limit in the message', () => {
    expect(() => assertSseTimeoutFits(longestTimeoutMs, functionTimeoutSeconds)).not.toThrow();
    expect(() => assertSseTimeoutFits(longestTimeoutMs + 1, functionTimeoutSeconds)).toThrow(
      `sse.timeoutMs can be at most ${longestTimeoutMs}`,
    );
  });

  test('the synth applies it to the configured timeout and the HTTP function', () => {
    expect(() => synthIn(undefined)).not.toThrow();
    expect(() => synthIn(undefined, { sse: { timeoutMs: functionTimeoutSeconds * 1000 } })).toThrow(
      `sse.timeoutMs = ${functionTimeoutSeconds * 1000} leaves the HTTP function too little time`,
    );
  });
});
