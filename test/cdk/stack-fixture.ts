import { readFileSync } from 'node:fs';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type StackConfig, type StackConfigInput, stackConfigFromContext } from '../../lib/config.ts';
import { PartnerOsStack } from '../../lib/partneros-stack.ts';

/** The context `cdk synth` sees (feature flags, defaults), so tests build what gets deployed. */
export const cdkJsonContext: Record<string, unknown> & { partneros: StackConfigInput } = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface TestAppOptions {
  /** Replaces the `partneros` context of cdk.json. */
  partneros?: StackConfigInput;
  /** Run esbuild for real; off by default so a test file synthesizes in milliseconds. */
  bundle?: boolean;
}

export function testApp({ partneros, bundle = false }: TestAppOptions = {}): App {
  return new App({
    context: {
      ...cdkJsonContext,
      ...(partneros && { partneros }),
      ...(!bundle && { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

export interface SynthesizedStack {
  app: App;
  stack: PartnerOsStack;
  config: StackConfig;
  template: Template;
}

export function synthesizeStack(options: TestAppOptions & { env?: Environment } = {}): SynthesizedStack {
  const app = testApp(options);
  const config = stackConfigFromContext(app.node);
  const stack = new PartnerOsStack(app, 'PartnerOsTest', { config, ...(options.env && { env: options.env }) });
  return { app, stack, config, template: Template.fromStack(stack) };
}

/** A concrete account and region make ARNs plain strings (partition literals), easy to compare. */
export const testEnv = { account: '123456789012', region: 'us-east-1' } as const;
