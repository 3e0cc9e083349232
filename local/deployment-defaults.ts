import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../functions/runtime/environment.ts';
import { type ConfiguredSettings, settingsEnvironment } from '../lib/definitions/function-environment.ts';
import { repositoryRoot } from './aws-local.ts';

/**
 * The function settings a `cdk deploy` with the checked-in cdk.json would give, read from that same
 * context and mapped by the stack's own mapping, so the local stack runs with the deployed model ids, quota
 * and limits.
 */
export function deploymentDefaults(): Partial<Record<keyof Environment, string>> {
  const cdkJson = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')) as {
    context: { partneros: ConfiguredSettings };
  };
  return settingsEnvironment(cdkJson.context.partneros);
}
