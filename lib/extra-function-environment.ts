import type { Node } from 'constructs';
import { z } from 'zod';
import { environmentSchema } from '../functions/runtime/environment.ts';

/**
 * CDK context key for extra environment variables on every function, e.g. where Bedrock is reached on a stack
 * deployed to LocalStack:
 *
 *   "functionEnvironment": { "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "http://host.docker.internal:4010" }
 *
 * in cdk.json, or `-c functionEnvironment='{…}'`. Separate from `partneros` so it can be given alone on the
 * command line without repeating the whole configuration.
 */
export const functionEnvironmentContextKey = 'functionEnvironment';

/** Set by the stack itself; an extra value for one of these would silently change how the functions work. */
const stackOwnedVariables = new Set([
  ...Object.keys(environmentSchema.shape),
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'LOG_LEVEL',
]);

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A record of strings whose keys are variable names the stack does not set itself. */
const extraEnvironmentSchema = z.record(z.string(), z.string()).superRefine((variables, context) => {
  for (const name of Object.keys(variables)) {
    if (!variableName.test(name)) {
      context.addIssue({ code: 'custom', path: [name], message: 'must be a variable name (letters, digits, _)' });
    } else if (stackOwnedVariables.has(name)) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: 'is set by the stack from the `partneros` configuration; change it there',
      });
    }
  }
});

export function extraFunctionEnvironmentFromContext(node: Node): Record<string, string> {
  let value: unknown = node.tryGetContext(functionEnvironmentContextKey);
  const invalid = (detail: string) => new Error(`Invalid CDK context "${functionEnvironmentContextKey}":\n${detail}`);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw invalid(`not valid JSON (${(error as Error).message})`);
    }
  }
  const result = extraEnvironmentSchema.safeParse(value ?? {});
  if (!result.success) throw invalid(z.prettifyError(result.error));
  return result.data;
}
