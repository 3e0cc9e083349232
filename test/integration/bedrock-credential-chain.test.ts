/**
 * `PARTNEROS_MODEL_BACKEND=bedrock npm start` must sign Bedrock calls with the caller's own AWS identity from the
 * SDK's default chain (here a named profile in a shared config file, with no keys in the environment), while the
 * handlers' DynamoDB and SQS calls keep working against the local stand-ins. A recording server stands in for the Bedrock endpoint, so nothing
 * leaves the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { localClientConfig } from '../../local/aws-local.ts';
import type { RunningLocalStack } from '../../local/local-stack.ts';
import { startLocalStack } from '../../local/local-stack.ts';
import { uniqueTableName } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const profile = { name: 'partneros-profile-only', accessKeyId: 'AKIAPROFILEONLY', region: 'eu-west-3' };
const credentialVariables = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

const awsDirectory = mkdtempSync(join(tmpdir(), 'partneros-aws-profile-'));
const bedrockAuthorizations: string[] = [];
let bedrockStandIn: Server;
let stack: RunningLocalStack;
let tenant: TestTenant;

beforeAll(async () => {
  writeFileSync(join(awsDirectory, 'config'), `[profile ${profile.name}]\nregion = ${profile.region}\n`);
  writeFileSync(
    join(awsDirectory, 'credentials'),
    `[${profile.name}]\naws_access_key_id = ${profile.accessKeyId}\naws_secret_access_key = profile-secret\n`,
  );
  // A shell that only selects a profile: no keys and no region in the environment.
  for (const name of [...credentialVariables, 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete process.env[name];
  Object.assign(process.env, {
    AWS_PROFILE: profile.name,
    AWS_CONFIG_FILE: join(awsDirectory, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(awsDirectory, 'credentials'),
  });

  bedrockStandIn = createServer((request, response) => {
    bedrockAuthorizations.push(request.headers.authorization ?? '');
    request.resume();
    response.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
    response.end(JSON.stringify({ message: 'recorded by the test' }));
  });
  await new Promise<void>((resolve) => bedrockStandIn.listen(0, '127.0.0.1', resolve));
  const { port } = bedrockStandIn.address() as AddressInfo;

  stack = await startLocalStack({
    modelBackend: 'bedrock',
    // The report worker would call the model; the queue is read by the test instead.
    pollers: false,
    tableName: uniqueTableName(),
    ...(process.env.TEST_DYNAMODB_ENDPOINT ? { dynamoEndpoint: process.env.TEST_DYNAMODB_ENDPOINT } : {}),
    environment: { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${port}` },
  });
  tenant = await createTenant();
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => bedrockStandIn?.close(resolve));
  rmSync(awsDirectory, { recursive: true, force: true });
});

describe('real Bedrock mode with a profile-only environment', () => {
  test('sets no fake keys for the functions, and exports the profile’s identity where the Bedrock provider reads it', () => {
    for (const name of credentialVariables) expect(stack.functionEnvironment[name]).toBeUndefined();
    expect(process.env.AWS_ACCESS_KEY_ID).toBe(profile.accessKeyId);
    expect(stack.functionEnvironment.AWS_REGION).toBe(profile.region);
  });

  test('signs model calls with the profile’s credentials for the profile’s region', async () => {
    const response = await fetch(`${stack.baseUrl}/api/ai/icp`, {
      method: 'POST',
      headers: { ...bearer(tenant), 'content-type': 'application/json' },
      body: JSON.stringify({ company: 'example.com' }),
    });
    await response.text();
    expect(bedrockAuthorizations.length).toBeGreaterThan(0);
    for (const authorization of bedrockAuthorizations) {
      expect(authorization).toContain(`Credential=${profile.accessKeyId}/`);
      expect(authorization).toMatch(new RegExp(`/${profile.region}/bedrock/aws4_request`));
    }
  });

  test('the handlers still read and write DynamoDB Local and send to the SQS stand-in', async () => {
    // createTenant above wrote through the handlers' stores; this request reads the key back and enqueues a job.
    const response = await fetch(`${stack.baseUrl}/api/ai/strategy/executive-summary/generate`, {
      method: 'POST',
      headers: { ...bearer(tenant), 'content-type': 'application/json' },
      body: JSON.stringify({ orgName: 'Acme', domain: 'acme.example', reportType: 'executive-summary' }),
    });
    expect(response.status).toBe(202);
    const { reportId } = (await response.json()) as { reportId: string };

    const sqs = new SQSClient(localClientConfig(stack.sqsEndpoint));
    try {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.reportQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      expect(Messages.map((message) => message.Body ?? '').some((body) => body.includes(reportId))).toBe(true);
    } finally {
      sqs.destroy();
    }
  });
});
