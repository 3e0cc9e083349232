/**
 * The one way a benchmark starts the local stack: handler logs at ERROR, Nagle off on the local Bedrock endpoint's
 * sockets, a tenant with a large quota, DynamoDB Local's JVM warmed up, and on stop the process environment as it
 * was (the stack writes its settings into process.env, and in-process modules run one after another).
 */
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from '../../local/local-stack.ts';
import { warmUpDynamoDbLocal } from './dynamodb-warm-up.ts';
import { disableNagleOnAcceptedSockets } from './tcp-no-delay.ts';
import { benchOrganisationLimits } from './tenant-data.ts';

export interface BenchTenant {
  organisationId: string;
  name: string;
  /** Headers of a freshly issued API key. */
  authorization: Record<string, string>;
}

export interface BenchStack {
  stack: RunningLocalStack;
  /** The local Bedrock endpoint (every bench stack has one). */
  bedrock: NonNullable<RunningLocalStack['localBedrock']>;
  tenant: BenchTenant;
  dynamoWarmUp: { operations: number; ms: number };
  addTenant(name: string): Promise<BenchTenant>;
  issueKey(organisationId: string, label: string): Promise<Record<string, string>>;
  url(path: string): URL;
  stop(): Promise<void>;
}

export async function startBenchStack(
  options: Omit<LocalStackOptions, 'port'> & { tenant: string; warmUpRounds?: number },
): Promise<BenchStack> {
  const savedEnvironment = { ...process.env };
  // The handlers' logger reads its level when it loads, which happens inside startLocalStack.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const { tenant: tenantName, warmUpRounds = 150, ...stackOptions } = options;
  const stack = await startLocalStack({ port: 0, ...stackOptions });
  const restoreNagle = stack.localBedrock ? disableNagleOnAcceptedSockets(stack.localBedrock.port) : () => {};
  const stop = async () => {
    restoreNagle();
    await stack.stop();
    for (const name of Object.keys(process.env)) if (!(name in savedEnvironment)) delete process.env[name];
    Object.assign(process.env, savedEnvironment);
  };
  try {
    if (!stack.localBedrock) throw new Error('The local stack started without its local Bedrock endpoint');
    // Imported only now: the stores read the environment the stack has just set (as local/start.ts does).
    const { createOrganisation, issueApiKey } = await import('../../functions/admin/provisioning.ts');
    const issueKey = async (organisationId: string, label: string) => {
      const { apiKey } = await issueApiKey(organisationId, 'bench@example.com', label);
      return { authorization: `Bearer ${apiKey}` };
    };
    const addTenant = async (name: string): Promise<BenchTenant> => {
      const { organisationId } = await createOrganisation(name, benchOrganisationLimits);
      return { organisationId, name, authorization: await issueKey(organisationId, name) };
    };
    const tenant = await addTenant(tenantName);
    const dynamoWarmUp = await warmUpDynamoDbLocal(stack.dynamoEndpoint, stack.tableName, warmUpRounds);
    return {
      stack,
      bedrock: stack.localBedrock,
      tenant,
      dynamoWarmUp,
      addTenant,
      issueKey,
      url: (path) => new URL(path, stack.baseUrl),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
