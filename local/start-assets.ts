/**
 * `npm run start:assets`: the local stack with the deployed artifacts. It runs `cdk synth` and then loads the
 * three functions from the bundles the synth wrote to cdk.out (the folders CDK zips and uploads, found through
 * the template's `Code.S3Key` and the asset manifest), with the environment variables of the synthesized
 * template, their references resolved to the local table, queue and region. Everything else is `npm start`.
 *
 *   npm run start:assets [-- --no-synth] [-- --output <dir inside the repository>] [-- --in-memory]
 *
 * The output folder must be inside the repository: the bundles leave the AWS SDK out (the Lambda runtime has
 * it) and find it here in node_modules.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { localAccountId, repositoryRoot } from './aws-local.ts';
import { readSynthesizedStack, type SynthesizedStack } from './cloud-assembly.ts';
import type { LocalResources } from './local-stack.ts';
import { serveLocalStack } from './serve.ts';
import { type LocalValues, resolveVariables } from './template-values.ts';

const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const cdkOut = path.resolve(repositoryRoot, argument('--output') ?? 'cdk.out');

if (!process.argv.includes('--no-synth')) {
  console.log(`cdk synth → ${path.relative(repositoryRoot, cdkOut)} …`);
  const synth = spawnSync(
    path.join(repositoryRoot, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--output', cdkOut],
    { cwd: repositoryRoot, stdio: 'inherit' },
  );
  if (synth.status !== 0) {
    console.error('`cdk synth` failed; its messages are above.');
    process.exit(1);
  }
}

let synthesized: SynthesizedStack;
try {
  synthesized = readSynthesizedStack(cdkOut);
} catch (error) {
  console.error('Could not read the synthesized stack:', (error as Error).message);
  process.exit(1);
}

/** What the template's references mean on this machine. */
function localValues(resources: LocalResources): LocalValues {
  const { tableId, reportQueueId, stackName } = synthesized;
  return {
    refs: {
      [tableId]: resources.tableName,
      [reportQueueId]: resources.reportQueueUrl,
      'AWS::Region': resources.region,
      'AWS::AccountId': localAccountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
    },
    attributes: {
      [`${tableId}.Arn`]: `arn:aws:dynamodb:${resources.region}:${localAccountId}:table/${resources.tableName}`,
      [`${reportQueueId}.Arn`]: resources.reportQueueArn,
      [`${reportQueueId}.QueueUrl`]: resources.reportQueueUrl,
      [`${reportQueueId}.QueueName`]: resources.reportQueueArn.split(':').at(-1) ?? '',
    },
  };
}

/**
 * The three functions share this process, so they share one environment: the HTTP function's. A variable the
 * other two set differently is reported, not hidden.
 */
function functionSettings(resources: LocalResources): Record<string, string> {
  const locals = localValues(resources);
  const { httpApi, reportWorker, streamProjector } = synthesized.functions;
  const shared = resolveVariables(httpApi.variables, locals);
  for (const other of [reportWorker, streamProjector]) {
    for (const [name, value] of Object.entries(resolveVariables(other.variables, locals))) {
      if (shared[name] !== value) {
        console.warn(`Note: ${other.logicalId} sets ${name} differently; this process uses the HTTP function's value.`);
      }
    }
  }
  return shared;
}

const relative = (file: string) => path.relative(repositoryRoot, file);
await serveLocalStack(
  {
    handlerModules: Object.fromEntries(
      Object.entries(synthesized.functions).map(([name, fn]) => [
        name,
        // Timeout and memory as the template gives them, so the local time limit is the deployed one.
        { file: fn.moduleFile, exportName: fn.exportName, timeoutSeconds: fn.timeoutSeconds, memoryMiB: fn.memoryMiB },
      ]),
    ),
    functionSettings,
  },
  [
    `Functions     bundles of stack ${synthesized.stackName} in ${relative(cdkOut)}, environment from ${relative(synthesized.templateFile)}`,
    ...Object.entries(synthesized.functions).map(
      ([name, fn]) =>
        `  ${name.padEnd(16)}${relative(fn.moduleFile)} (${fn.logicalId}, ${fn.timeoutSeconds ?? '?'} s, ${fn.memoryMiB ?? '?'} MiB)`,
    ),
  ],
);
