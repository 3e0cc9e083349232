/**
 * The admin CLI as an operator runs it (`npm run admin -- …`, here the same script under tsx in a child
 * process), against the local stack's DynamoDB chosen by the usual AWS variables, and its effect seen through
 * the public API.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from '@jest/globals';
import { repositoryRoot } from '../../local/aws-local.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';

const local = useLocalStack();

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const admin = (...args: string[]) => adminWith({ TABLE_NAME: local.stack.tableName }, ...args);

/** `environment` adds to (or, with undefined, removes from) what the CLI gets beside the local endpoint. */
async function adminWith(environment: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  const { NODE_OPTIONS: _jestOptions, TABLE_NAME: _table, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join('scripts', 'admin.ts'), ...args],
      {
        cwd: repositoryRoot,
        env: {
          ...inherited,
          AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          ...environment,
        },
      },
    );
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { exitCode: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function adminJson<T>(...args: string[]): Promise<T> {
  const result = await admin(...args);
  expect(result).toMatchObject({ exitCode: 0 });
  return JSON.parse(result.stdout) as T;
}

const organisationOf = async (apiKey: string) => {
  const response = await fetch(`${local.stack.baseUrl}/api/organisation`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { organisationId: string; quota: { limit: number }; rateLimit: unknown };
};

describe('admin CLI', () => {
  test('creates an organisation with limits, issues a key that works, changes limits, revokes the key', async () => {
    const organisation = await adminJson<{ organisationId: string; monthlyQuota: number }>(
      'org',
      'create',
      '--name',
      'Acme CLI',
      '--quota',
      '3',
      '--rate',
      '2',
    );
    expect(organisation).toMatchObject({ name: 'Acme CLI', monthlyQuota: 3, aiRequestsPerMinute: 2 });
    const organisationId = organisation.organisationId;

    const key = await adminJson<{ apiKey: string; keyId: string }>(
      'key',
      'issue',
      '--org',
      organisationId,
      '--email',
      'Ops@Acme.example',
    );
    expect(key).toMatchObject({ organisationId, userEmail: 'ops@acme.example' });
    expect(await organisationOf(key.apiKey)).toMatchObject({
      organisationId,
      quota: { limit: 3 },
      rateLimit: { aiRequestsPerMinute: 2 },
    });

    await adminJson('org', 'quota', '--org', organisationId, '--limit', '50');
    await adminJson('org', 'rate-limit', '--org', organisationId, '--default');
    expect(await adminJson('quota', 'show', '--org', organisationId)).toMatchObject({ limit: 50, used: 0 });
    // A new key is read fresh (a warm function remembers a key's organisation for 30 s).
    const second = await adminJson<{ apiKey: string; keyId: string }>(
      'key',
      'issue',
      '--org',
      organisationId,
      '--email',
      'second@acme.example',
    );
    expect(await organisationOf(second.apiKey)).toMatchObject({
      quota: { limit: 50 },
      rateLimit: { aiRequestsPerMinute: 120 },
    });

    expect(await adminJson('key', 'revoke', '--key', second.keyId)).toEqual({ keyId: second.keyId, revoked: true });
    const keys = await adminJson<Array<{ keyId: string; revokedAt?: string; secretHash?: string }>>(
      'key',
      'list',
      '--org',
      organisationId,
    );
    expect(keys.map((listed) => listed.keyId).sort()).toEqual([key.keyId, second.keyId].sort());
    expect(keys.find((listed) => listed.keyId === second.keyId)?.revokedAt).toEqual(expect.any(String));
    expect(keys.every((listed) => listed.secretHash === undefined)).toBe(true);
  });

  test('bad input is refused with a message and a failing exit code, and changes nothing', async () => {
    const organisation = await adminJson<{ organisationId: string }>('org', 'create', '--name', 'Strict Ltd');
    const negative = await admin('org', 'quota', '--org', organisation.organisationId, '--limit=-1');
    expect(negative).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Invalid value: .*>=0/) });
    // A usage mistake is one line and exit code 2, not a stack trace.
    const ambiguous = await admin('org', 'quota', '--org', organisation.organisationId, '--limit', '-1');
    expect(ambiguous).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(/^Option '--limit' argument is ambiguous/),
    });
    const zeroRate = await admin('org', 'rate-limit', '--org', organisation.organisationId, '--limit', '0');
    expect(zeroRate.exitCode).toBe(1);
    expect(await admin('key', 'issue', '--org', organisation.organisationId, '--email', 'not-an-email')).toMatchObject({
      exitCode: 1,
    });
    expect(await admin('org', 'quota', '--org', '00000000-0000-4000-8000-000000000000', '--limit', '5')).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('No organisation'),
    });
    expect(await admin('org', 'frobnicate')).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('Commands:'),
    });
    expect(await adminJson('quota', 'show', '--org', organisation.organisationId)).toMatchObject({ limit: 1000 });
    expect(await adminJson('key', 'list', '--org', organisation.organisationId)).toEqual([]);
  });
});

describe('choosing the table', () => {
  let directory: string | undefined;
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  /** A file as `cdk deploy --outputs-file` writes it: outputs by stack name. */
  async function outputsFile(outputs: Record<string, Record<string, string>>): Promise<string> {
    directory ??= await mkdtemp(path.join(tmpdir(), 'admin-outputs-'));
    const file = path.join(directory, `${Object.keys(outputs).join('-')}.json`);
    await writeFile(file, JSON.stringify(outputs));
    return file;
  }

  const noTable = { TABLE_NAME: undefined };
  const stackTrace = /^\s+at /m;

  test('--outputs reads the TableName output of a `cdk deploy --outputs-file` JSON', async () => {
    const file = await outputsFile({
      PartnerOsAi: { TableName: local.stack.tableName },
    });
    const created = await adminWith(noTable, 'org', 'create', '--name', 'From Outputs', '--outputs', file);
    expect(created.exitCode).toBe(0);
    const { organisationId } = JSON.parse(created.stdout) as { organisationId: string };
    const listed = await adminJson<Array<{ organisationId: string }>>('org', 'list');
    expect(listed.map((organisation) => organisation.organisationId)).toContain(organisationId);
  });

  test('--stack picks one stack of several; without it the CLI says to add it', async () => {
    const file = await outputsFile({
      PartnerOsAi: { TableName: local.stack.tableName },
      PartnerOsAiStaging: { TableName: 'another-table' },
    });
    expect(await adminWith(noTable, 'org', 'list', '--outputs', file)).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('several stacks (PartnerOsAi, PartnerOsAiStaging); add --stack <name>'),
    });
    expect(await adminWith(noTable, 'org', 'list', '--outputs', file, '--stack', 'PartnerOsAi')).toMatchObject({
      exitCode: 0,
    });
  });

  test.each([
    ['no table at all', [], ['--table <TableName>', '--outputs <file>', 'TABLE_NAME=<TableName>', '--local']],
    ['a missing outputs file', ['--outputs', '/nonexistent/cdk-outputs.json'], ['ENOENT', '--outputs-file']],
    ['an outputs file without the table', ['--outputs', 'package.json'], ['no stack with a TableName output']],
  ])('%s is a usage error that says what to pass, without a stack trace', async (_, options, mentions) => {
    const result = await adminWith(noTable, 'org', 'list', ...options);
    expect(result.exitCode).toBe(2);
    for (const mention of mentions) expect(result.stderr).toContain(mention);
    expect(result.stderr).not.toMatch(stackTrace);
  });
});

describe('help and usage errors', () => {
  test('--help lists every command and how to choose the table', async () => {
    const help = await adminWith({ TABLE_NAME: undefined }, '--help');
    expect(help.exitCode).toBe(0);
    for (const command of ['org create', 'org list', 'org quota', 'org rate-limit', 'key issue', 'key revoke']) {
      expect(help.stdout).toContain(`  ${command}`);
    }
    expect(help.stdout).toContain('--outputs <file>');
  });

  test('<command> --help shows that command with its options', async () => {
    const help = await adminWith({ TABLE_NAME: undefined }, 'key', 'issue', '--help');
    expect(help).toMatchObject({ exitCode: 0 });
    expect(help.stdout).toMatch(/^Usage: npm run admin -- key issue --org <organisationId> --email <user email>/);
  });

  test('a missing option names it and shows the usage, exit code 2', async () => {
    const result = await admin('key', 'issue', '--org', '00000000-0000-4000-8000-000000000000');
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(result.stderr).toContain('`key issue` needs --email.');
    expect(result.stderr).toContain('Usage: npm run admin -- key issue --org');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
