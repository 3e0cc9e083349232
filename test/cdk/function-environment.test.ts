/** Context `functionEnvironment`: extra variables on every function, e.g. a Bedrock endpoint for LocalStack. */
import { describe, expect, test } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addPartnerOs } from '../../lib/partneros-app.ts';
import { cdkJsonContext } from './stack-fixture.ts';

function functionVariables(extraContext: Record<string, unknown>): Array<Record<string, unknown>> {
  // addPartnerOs is what bin/app.ts runs, so this is the template `cdk synth -c …` makes (without bundling).
  const app = new App({ context: { ...cdkJsonContext, ...extraContext, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(addPartnerOs(app));
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }>;
  return functions.map((resource) => resource.Properties.Environment.Variables);
}

const bedrockEndpoint = { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://192.0.2.10:4010' };

describe('context functionEnvironment', () => {
  test('puts each variable on every function', () => {
    const variables = functionVariables({ functionEnvironment: bedrockEndpoint });
    expect(variables).toHaveLength(3);
    for (const each of variables) expect(each).toMatchObject({ ...bedrockEndpoint, TABLE_NAME: expect.anything() });
  });

  test('accepts the JSON string that `-c functionEnvironment=…` passes', () => {
    const variables = functionVariables({ functionEnvironment: JSON.stringify(bedrockEndpoint) });
    for (const each of variables) expect(each).toMatchObject(bedrockEndpoint);
  });

  test('adds nothing when absent', () => {
    for (const each of functionVariables({})) expect(each).not.toHaveProperty('AWS_ENDPOINT_URL_BEDROCK_RUNTIME');
  });

  test.each([
    ['a variable the stack sets from its configuration', { TABLE_NAME: 'other' }, /partneros[\s\S]*TABLE_NAME/],
    ['a name that is no variable name', { 'NOT-A-NAME': 'x' }, /variable name/],
    ['a value that is not a string', { PORT: 4010 }, /string/],
    ['text that is not JSON', '{"AWS_REGION":', /not valid JSON/],
  ])('refuses %s, naming the context key', (_, functionEnvironment, reason) => {
    expect(() => functionVariables({ functionEnvironment })).toThrow(/Invalid CDK context "functionEnvironment"/);
    expect(() => functionVariables({ functionEnvironment })).toThrow(reason);
  });
});
