import { describe, expect, test } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { addPartnerOs } from '../../lib/partneros-app.ts';
import { testApp, testEnv } from './stack-fixture.ts';

// addPartnerOs registers the cdk-nag AwsSolutions plugin; a finding makes app.synth() throw.
describe('cdk-nag AwsSolutions', () => {
  test('the app as `cdk synth` builds it passes', () => {
    const app = testApp();
    addPartnerOs(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('a stack pinned to an account and region passes too (literal partition in finding ids)', () => {
    const app = testApp();
    const stack = addPartnerOs(app, { env: testEnv });
    expect(stack.resolve(stack.partition)).toBe('aws');
    expect(() => app.synth()).not.toThrow();
  });

  test('really runs: a queue without TLS enforcement or DLQ fails the synth', () => {
    const app = testApp();
    addPartnerOs(app);
    new Queue(new Stack(app, 'Throwaway'), 'PlainQueue');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/AwsSolutions-SQS4/);
    expect(message).toMatch(/Throwaway\/PlainQueue/);
    expect(message).not.toMatch(/PartnerOsAi\//);
  });
});
