/**
 * The admin CLI as an operator runs it (`npm run admin -- …`, here the same script under tsx in a child
 * process), against the local stack's DynamoDB chosen by the usual AWS variables, and its effect seen through
 * the public API.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { repositoryRoot } from '../../local/aws-local.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';

const local = useLocalStack();

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function admin(...args: string[]): Promise<CliResult> {
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join('scripts', 'admin.ts'), ...args],
      {
        cwd: repositoryRoot,
        env: {
          ...inherited,
          AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint,
          TABLE_NAME: local.stack.tableName,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
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
