import { describe, expect, test } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { modelPurposes } from '../../functions/ai/models.ts';
import { modelsSchema, stackConfigFromContext, stackConfigSchema } from '../../lib/config.ts';
import { cdkJsonContext } from './stack-fixture.ts';

const configFrom = (partneros: unknown) => stackConfigFromContext(new App({ context: { partneros } }).node);

describe('stack configuration', () => {
  test('cdk.json spells out exactly the built-in defaults', () => {
    expect(configFrom(cdkJsonContext.partneros)).toEqual(stackConfigSchema.parse({}));
  });

  test('defaults apply without any context', () => {
    const config = stackConfigFromContext(new App().node);
    expect(config).toMatchObject({
      defaultMonthlyQuota: 1000,
      corsAllowedOrigins: ['*'],
      maxBodyBytes: 1048576,
      logRetentionDays: 30,
      models: { embeddings: 'amazon.titan-embed-text-v2:0' },
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  test('a partial models object keeps the defaults for the other purposes', () => {
    const config = configFrom({ models: { chat: 'amazon.nova-lite-v1:0' } });
    expect(config.models.chat).toBe('amazon.nova-lite-v1:0');
    expect(config.models.icp).toBe(stackConfigSchema.parse({}).models.icp);
  });

  test('accepts a JSON string, as `cdk synth -c partneros=…` passes it', () => {
    expect(configFrom(JSON.stringify({ defaultMonthlyQuota: 5 })).defaultMonthlyQuota).toBe(5);
  });

  test('configures a model for every purpose the functions ask for, and no other', () => {
    expect(Object.keys(modelsSchema.shape).sort()).toEqual([...modelPurposes].sort());
  });

  test.each([
    ['a -c value that is not JSON', '{models:'],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 31 }],
    ['a malformed alarm email', { alarmEmail: 'not-an-email' }],
    ['an empty model id', { models: { chat: ' ' } }],
    ['a negative quota', { defaultMonthlyQuota: -1 }],
    ['a rate limit of zero', { defaultAiRequestsPerMinute: 0 }],
  ])('rejects %s', (_, partneros) => {
    expect(() => configFrom(partneros)).toThrow(/Invalid CDK context "partneros"/);
  });
});
