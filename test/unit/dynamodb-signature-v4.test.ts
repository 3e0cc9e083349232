/**
 * Our SigV4 signer against the AWS SDK's own (@smithy/signature-v4, a dev dependency kept as the oracle): the same
 * request, credentials, region and time must give the same Authorization header.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from '../../functions/stores/dynamodb/signature-v4.ts';

/** The SDK signer's hash interface over node:crypto (what @smithy/hash-node does). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bufferOf = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);
class Sha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bufferOf(secret));
  }
  update(data: SourceData) {
    this.#hash.update(bufferOf(data));
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

const body = JSON.stringify({
  TableName: 'partneros-test',
  Key: { pk: { S: 'ORG#org_1' }, sk: { S: 'META' } },
  ConsistentRead: true,
});

async function sdkSignature(options: {
  url: URL;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  date: Date;
  headers: Record<string, string>;
}) {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'dynamodb',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: options.url.protocol,
      hostname: options.url.hostname,
      ...(options.url.port ? { port: Number(options.url.port) } : {}),
      path: options.url.pathname,
      query: {},
      headers: { ...options.headers, host: options.url.host },
      body,
    },
    { signingDate: options.date },
  );
  return signed.headers as Record<string, string>;
}

const cases = [
  {
    name: 'with a session token (Lambda role credentials), regional endpoint',
    url: new URL('https://dynamodb.eu-west-1.amazonaws.com/'),
    credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/with+chars', sessionToken: 'token==' },
    region: 'eu-west-1',
    date: new Date('2026-12-04T12:34:56.789Z'),
  },
  {
    name: 'without a session token, local endpoint with a port',
    url: new URL('http://127.0.0.1:8000'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    region: 'us-east-1',
    date: new Date('2027-01-01T00:00:00.000Z'),
  },
];

describe('SigV4 signing', () => {
  test.each(cases)('matches the AWS SDK signer: $name', async ({ url, credentials, region, date }) => {
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
    };
    const ours = signRequest(
      { method: 'POST', url, headers, body },
      { credentials, region, service: 'dynamodb', date },
    );
    const theirs = await sdkSignature({ url, credentials, region, date, headers });

    expect(ours.authorization).toBe(theirs.authorization);
    expect(ours['x-amz-date']).toBe(theirs['x-amz-date']);
    expect(ours['x-amz-content-sha256']).toBe(theirs['x-amz-content-sha256']);
    expect(ours['x-amz-security-token']).toBe(theirs['x-amz-security-token']);
    const signedHeaders = (ours.authorization ?? '').match(/SignedHeaders=([^,]+)/)?.[1];
    expect(signedHeaders).toBe(
      credentials.sessionToken
        ? 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target'
        : 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target',
    );
  });

  test('a different body gives a different signature', () => {
    const scope = { credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, region: 'us-east-1', service: 'dynamodb' };
    const request = { method: 'POST', url: new URL('http://localhost:8000/'), headers: {} };
    const date = new Date('2026-12-04T00:00:00Z');
    const first = signRequest({ ...request, body: '{}' }, { ...scope, date });
    const second = signRequest({ ...request, body: '{"a":1}' }, { ...scope, date });
    expect(first.authorization).not.toBe(second.authorization);
  });
});
