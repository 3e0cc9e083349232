import { describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { stackConfigFromContext } from '../../lib/config.ts';
import { synthesizeStack } from './stack-fixture.ts';

describe('concurrency', () => {
  test('the report queue starts at most reportWorkerMaxConcurrency workers', () => {
    for (const reportWorkerMaxConcurrency of [2, 37]) {
      const { stack, template } = synthesizeStack({ partneros: { reportWorkerMaxConcurrency } });
      const worker = stack.getLogicalId(stack.functions.reportWorker.function.node.defaultChild as CfnResource);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: worker },
        ScalingConfig: { MaximumConcurrency: reportWorkerMaxConcurrency },
      });
    }
  });

  test('by default no function reserves concurrency', () => {
    const { template } = synthesizeStack();
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  test('reserved concurrency is set per function, only where configured', () => {
    const reservedConcurrency = { httpApi: 200, streamProjector: 5 };
    const { stack, template } = synthesizeStack({ partneros: { reservedConcurrency } });
    const reservedOf = (name: keyof typeof stack.functions) => {
      const id = stack.getLogicalId(stack.functions[name].function.node.defaultChild as CfnResource);
      return template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions;
    };
    expect(reservedOf('httpApi')).toBe(reservedConcurrency.httpApi);
    expect(reservedOf('streamProjector')).toBe(reservedConcurrency.streamProjector);
    expect(reservedOf('reportWorker')).toBeUndefined();
  });

  test('the report worker may not reserve fewer instances than its queue starts', () => {
    const configWith = (partneros: unknown) => () => stackConfigFromContext(new App({ context: { partneros } }).node);
    expect(configWith({ reportWorkerMaxConcurrency: 10, reservedConcurrency: { reportWorker: 9 } })).toThrow(
      /reservedConcurrency\.reportWorker must be at least reportWorkerMaxConcurrency/,
    );
    expect(configWith({ reportWorkerMaxConcurrency: 10, reservedConcurrency: { reportWorker: 10 } })).not.toThrow();
  });
});
