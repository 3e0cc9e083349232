/** The references `npm run start:assets` resolves in the synthesized template's environment variables. */
import { describe, expect, test } from '@jest/globals';
import { resolveVariables } from '../../local/template-values.ts';

const locals = {
  refs: {
    DataTable: 'partneros',
    ReportsQueue: 'http://127.0.0.1:9324/123456789012/reports',
    'AWS::Region': 'eu-west-1',
  },
  attributes: { 'ReportsQueue.Arn': 'arn:aws:sqs:eu-west-1:123456789012:reports' },
};

describe('resolveVariables', () => {
  test('resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub, and keeps literals', () => {
    expect(
      resolveVariables(
        {
          TABLE_NAME: { Ref: 'DataTable' },
          QUEUE_ARN: { 'Fn::GetAtt': ['ReportsQueue', 'Arn'] },
          JOINED: { 'Fn::Join': ['', ['table/', { Ref: 'DataTable' }, '@', { Ref: 'AWS::Region' }]] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
          SUB: { 'Fn::Sub': '${AWS::Region}|${ReportsQueue.Arn}' },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
          SUB_WITH_VARIABLES: { 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'DataTable' } }] },
          LIMIT: '20',
        },
        locals,
      ),
    ).toEqual({
      TABLE_NAME: 'partneros',
      QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:reports',
      JOINED: 'table/partneros@eu-west-1',
      SUB: 'eu-west-1|arn:aws:sqs:eu-west-1:123456789012:reports',
      SUB_WITH_VARIABLES: 'partneros-x',
      LIMIT: '20',
    });
  });

  test.each([
    ['a resource the local stack does not stand in for', { Ref: 'AlarmTopic' }],
    ['an attribute it has no value for', { 'Fn::GetAtt': ['DataTable', 'StreamArn'] }],
    ['an intrinsic it does not know', { 'Fn::ImportValue': 'Shared' }],
  ])('names the variable of %s instead of guessing', (_, value) => {
    expect(() => resolveVariables({ SOME_VARIABLE: value }, locals)).toThrow(/^SOME_VARIABLE: .* has no local value$/);
  });
});
