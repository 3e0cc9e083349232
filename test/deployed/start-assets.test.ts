/**
 * `npm run start:assets` (cdk synth, then the functions from the bundles in the cloud assembly) passes the
 * acceptance suite. One slow file: the synth bundles all three functions with esbuild.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { repositoryRoot } from '../../local/aws-local.ts';
import { runAcceptanceSuite } from './run-suite.ts';

interface Banner {
  baseUrl: string;
  apiKey: string;
  dynamoEndpoint: string;
  tableName: string;
  functionLines: string[];
}

const tsx = path.join(repositoryRoot, 'node_modules', '.bin', 'tsx');
// Inside the repository (the bundles find the AWS SDK in its node_modules) but apart from a developer's cdk.out.
const cdkOut = path.join('.local', `cdk.out.test-${process.pid}`);
let child: ChildProcess | undefined;
let workDirectory: string | undefined;
let output = '';

/** Resolves with the banner once the stack says it is ready; rejects if the process ends first. */
function readBanner(starting: ChildProcess): Promise<Banner> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ctrl-C stops everything.')) return;
      const field = (label: string) => output.match(new RegExp(`^ {2}${label}\\s+(\\S+)`, 'm'))?.[1] ?? '';
      const dynamo = output.match(/^ {2}DynamoDB\s+(\S+) \(table (\S+),/m);
      resolve({
        baseUrl: field('API base URL'),
        apiKey: field('API key'),
        dynamoEndpoint: dynamo?.[1] ?? '',
        tableName: dynamo?.[2] ?? '',
        functionLines: output.split('\n').filter((line) => /^ {4}(httpApi|reportWorker|streamProjector) /.test(line)),
      });
    };
    starting.stdout?.on('data', onData);
    starting.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    starting.once('exit', (code) =>
      reject(new Error(`start:assets ended with ${code} before it was ready:\n${output}`)),
    );
  });
}

let banner: Banner;

beforeAll(async () => {
  // Its own working directory, so the demo key file it writes (.local/demo-tenant.json) is not a developer's.
  workDirectory = await mkdtemp(path.join(tmpdir(), 'start-assets-'));
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  child = spawn(tsx, [path.join(repositoryRoot, 'local', 'start-assets.ts'), '--in-memory', '--output', cdkOut], {
    cwd: workDirectory,
    env: { ...inherited, PORT: '0', LOCAL_MODEL_CHUNK_DELAY_MS: '5', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  banner = await readBanner(child);
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(path.join(repositoryRoot, cdkOut), { recursive: true, force: true });
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
}, 60_000);

/** A second organisation and key, made with the admin CLI as an operator would. */
async function secondKey(): Promise<string> {
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  const env = {
    ...inherited,
    AWS_ENDPOINT_URL_DYNAMODB: banner.dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  const admin = async (...args: string[]) =>
    JSON.parse(
      (
        await promisify(execFile)(tsx, [path.join('scripts', 'admin.ts'), '--table', banner.tableName, ...args], {
          cwd: repositoryRoot,
          env,
        })
      ).stdout,
    );
  const organisation = await admin('org', 'create', '--name', 'Second organisation');
  return (await admin('key', 'issue', '--org', organisation.organisationId, '--email', 'ops@second.example')).apiKey;
}

describe('npm run start:assets', () => {
  test('loads each function from its bundle in the synthesized cloud assembly', () => {
    expect(banner.functionLines).toHaveLength(3);
    for (const line of banner.functionLines) {
      expect(line).toMatch(new RegExp(`${cdkOut.replaceAll('.', '\\.')}/asset\\.[0-9a-f]{64}/index\\.m?js`));
    }
  });

  test('passes the acceptance suite, the isolation checks included', async () => {
    const run = await runAcceptanceSuite({
      API_BASE_URL: banner.baseUrl,
      API_KEY: banner.apiKey,
      API_KEY_2: await secondKey(),
    });
    expect(run.failed).toEqual([]);
    expect(run.skipped).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.passed.join('\n')).toMatch(/POST \/api\/ai\/icp .* — \d+ partial values/);
  }, 180_000);
});
