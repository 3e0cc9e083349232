import { type App, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfigFromContext } from './config.ts';
import { extraFunctionEnvironmentFromContext } from './extra-function-environment.ts';
import { PartnerOsStack } from './partneros-stack.ts';

/**
 * Adds the stack and the cdk-nag checks to an app. bin/app.ts and the tests share it, so the tests
 * synthesize exactly what `cdk synth` does.
 */
export function addPartnerOs(app: App, stackProps: Pick<StackProps, 'env'> = {}): PartnerOsStack {
  const config = stackConfigFromContext(app.node);
  const stack = new PartnerOsStack(app, config.stackName, {
    ...stackProps,
    config,
    extraFunctionEnvironment: extraFunctionEnvironmentFromContext(app.node),
  });
  // cdk-nag v3 is a policy-validation plugin (not an Aspect): findings fail the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
