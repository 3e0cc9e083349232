/** Turns a node:http request into the event a Lambda Function URL sends (payload format 2.0). */
import type { IncomingMessage } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * Function URLs pass text bodies as they are and base64-encode everything else, so handlers must honour
 * `isBase64Encoded` either way; these are the text-like content types.
 */
const textContentType =
  /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|yaml|x-yaml)\b|[^;]*\+(json|xml)\b)/i;

export function toFunctionUrlEvent(request: IncomingMessage, body: Buffer, requestId: string): LambdaFunctionURLEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    // Function URLs move cookies into `cookies` and join repeated headers with commas.
    if (name !== 'cookie' && values) headers[name] = values.join(',');
  }
  const sourceIp = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  const cookies = request.headersDistinct.cookie?.flatMap((line) => line.split(/;\s*/)).filter(Boolean);
  const isText = textContentType.test(headers['content-type'] ?? '');
  const now = new Date();
  const host = headers.host ?? 'localhost';

  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(url.search.length > 1 ? { queryStringParameters: joinedQueryParameters(url.searchParams) } : {}),
    requestContext: {
      // What a Function URL with auth type NONE reports.
      accountId: 'anonymous',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function joinedQueryParameters(params: URLSearchParams): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const key of new Set(params.keys())) joined[key] = params.getAll(key).join(',');
  return joined;
}

/** Same shape as AWS: 12/Mar/2020:19:03:58 +0000. */
function formatRequestTime(date: Date): string {
  const [day, month, year] = date.toUTCString().slice(5, 16).split(' ');
  const time = date.toISOString().slice(11, 19);
  return `${day}/${month}/${year}:${time} +0000`;
}
