/**
 * The one way a benchmark starts the local stack: handler logs at ERROR, Nagle off on the local Bedrock endpoint's
 * sockets, a tenant with a large quota, DynamoDB Local's JVM warmed up, and on stop the process environment as it
 * was (the stack writes its settings into process.env, and in-process modules run one after another).
 */
import { type LocalStackOptions, startLocalStack } from '../../local/local-stack.ts';
import { disableNagleOnAcceptedSockets } from './tcp-no-delay.ts';
import { benchOrganisationLimits } from './tenant-data.ts';

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;
export type BenchTenant = BenchStack['tenant'];

export async function startBenchStack(
  options: Omit<LocalStackOptions, 'port'> & { tenant: string; warmUpRounds?: number },
) {
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
      return { authorization: `Bearer ${apiKey}` } as Record<string, string>;
    };
    const addTenant = async (name: string) => {
      const { organisationId } = await createOrganisation(name, benchOrganisationLimits);
      return { organisationId, name, authorization: await issueKey(organisationId, name) };
    };
    const tenant = await addTenant(tenantName);
    const dynamoWarmUp = await warmUpDynamoDbLocal(warmUpRounds);
    const url = (path: string) => new URL(path, stack.baseUrl);
    return { stack, bedrock: stack.localBedrock, tenant, dynamoWarmUp, addTenant, issueKey, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Warms DynamoDB Local's JVM (JIT) with an ICP request's mix — GetItem hit and miss, a conditional UpdateItem with
 * ADD, a PutItem of an ICP-sized item — on items of its own: a fresh JVM answers several times slower for its first
 * few hundred requests, and that start-up of the stand-in is not what a benchmark should measure.
 */
async function warmUpDynamoDbLocal(rounds: number) {
  const started = performance.now();
  const { dynamo, tableName } = await import('../../functions/stores/dynamo.ts');
  const { GetCommand, PutCommand, UpdateCommand } = await import('../../functions/stores/dynamodb/commands.ts');
  const [client, TableName] = [dynamo(), tableName()];
  const Key = { pk: 'BENCH#warm-up', sk: 'ITEM' };
  const payload = { text: 'x'.repeat(2_000), list: Array.from({ length: 20 }, (_, index) => `phrase ${index}`) };
  await client.send(new PutCommand({ TableName, Item: { ...Key, payload } }));
  for (let round = 0; round < rounds; round++) {
    await client.send(new GetCommand({ TableName, Key }));
    await client.send(new GetCommand({ TableName, Key: { ...Key, sk: `MISSING#${round}` } }));
    await client.send(
      new UpdateCommand({
        TableName,
        Key: { ...Key, sk: 'COUNTER' },
        UpdateExpression: 'ADD used :one',
        ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
        ExpressionAttributeValues: { ':one': 1, ':limit': 1_000_000 },
      }),
    );
    await client.send(new PutCommand({ TableName, Item: { ...Key, sk: `PUT#${round % 10}`, payload } }));
  }
  return { operations: rounds * 4 + 1, ms: performance.now() - started };
}
