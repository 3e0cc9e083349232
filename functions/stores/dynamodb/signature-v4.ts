import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for a request whose whole body is in memory (DynamoDB's JSON protocol), with
 * node:crypto. The SDK's signer costs ~140 KB and ~50 ms of init in a bundle; this covers only what the functions
 * send: no query string, no streaming or unsigned payloads, no presigning. Verified against the SDK's signer in
 * test/unit/dynamodb-signature-v4.test.ts.
 */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface RequestToSign {
  method: string;
  url: URL;
  /** Header names in lower case; host, x-amz-content-sha256, x-amz-date and x-amz-security-token are added here. */
  headers: Record<string, string>;
  body: string;
}

export interface SigningScope {
  credentials: SigningCredentials;
  region: string;
  service: string;
  date: Date;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** 20261204T120000Z and 20261204, as SigV4 writes dates. */
function signingDates(date: Date): { amzDate: string; day: string } {
  const amzDate = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { amzDate, day: amzDate.slice(0, 8) };
}

/** The signing key depends only on secret, day, region and service: derived once per day, not per request. */
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${day}\n${region}\n${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    if (signingKeys.size > 16) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** The request's headers with the signature and the headers it covers added. */
export function signRequest(request: RequestToSign, scope: SigningScope): Record<string, string> {
  const { credentials, region, service } = scope;
  const { amzDate, day } = signingDates(scope.date);
  const payloadHash = sha256Hex(request.body);
  // x-amz-content-sha256 as the SDK's signer adds it by default, so requests are signed as the SDK's were.
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const canonicalHeaders = names
    .map((name) => `${name}:${String(lowerCased[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.url.pathname),
    canonicalQuery(request.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/**
 * Every service but S3 signs the path encoded twice; URL's pathname is encoded once already. DynamoDB's path is
 * "/" unless an endpoint variable names a path.
 */
function canonicalPath(pathname: string): string {
  if (!pathname || pathname === '/') return '/';
  return pathname.split('/').map(rfc3986).join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
