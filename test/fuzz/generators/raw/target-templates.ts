/**
 * Raw cases that break the request line fetch would normalise or refuse: invalid percent-encoding, repeated
 * and oversized query parameters, dot segments, absolute, asterisk and unparseable targets, NUL, spaces and
 * raw UTF-8 in the path, unknown methods, CONNECT, odd HTTP versions and line endings, and a request line
 * over Node's header limit.
 */
import { concatBytes, utf8 } from '../draft.ts';
import { host, keyedGet, keyLine, type RawTemplate, requestBytes, seenRequest } from './wire.ts';

const organisation = '/api/organisation';

export const badPercentEncodingInPath: RawTemplate = ({ rng, key }) => {
  const target = rng.pick([
    '/api/partners/%E0%A4%A',
    '/api/partners/%',
    '/api/partners/%zz',
    '/api/%zz/x',
    '/api/knowledge-base/%FF/documents',
    '/api/knowledge-base/%C3%A9/documents',
    '/api/knowledge-base/default/documents/%ED%A0%80',
    '/api/reports/%C0%AF',
    '/api/organisation%',
  ]);
  return { label: `invalid percent-encoding in the path ${target}`, ...keyedGet(key, target) };
};

export const repeatedAndOversizedQuery: RawTemplate = ({ rng, key, fixtures }) => {
  const stream = '/api/ai/strategy/executive-summary/stream';
  const target = rng.pick([
    '/api/partners?limit=5&limit=500',
    '/api/partners?limit=500&limit=5',
    '/api/partners?type=alien&type=technology',
    '/api/partners?type=technology&type=alien',
    `/api/partners?region=${'r'.repeat(rng.int(101, 12_000))}`,
    `/api/partners?tag=${'t'.repeat(rng.int(61, 12_000))}&tag=x`,
    `/api/partners?${Array.from({ length: 300 }, (_, i) => `p${i}=${i}`).join('&')}`,
    `/api/partners?limit=${'9'.repeat(5_000)}`,
    `${stream}?reportId=${fixtures.reportId}&reportId=x`,
    `${stream}?reportId=x&reportId=${fixtures.reportId}`,
    `${stream}?reportId=${fixtures.reportId}&lastEventId=${'1'.repeat(40)}&lastEventId=1`,
  ]);
  return { label: `query ${target.slice(0, 80)}`, ...keyedGet(key, target) };
};

export const dotSegments: RawTemplate = ({ rng, key, fixtures }) => {
  const target = rng.pick([
    '/api/partners/../organisation',
    '/api/partners/%2e%2e/organisation',
    '/../../../etc/passwd',
    '/api/../../api/organisation',
    '/api/partners/./',
    `/api/partners/${fixtures.partnerId}/..`,
    '/api/knowledge-base/../documents',
    '/.%2e/api/organisation',
  ]);
  return { label: `dot segments ${target}`, ...keyedGet(key, target) };
};

export const absoluteFormTarget: RawTemplate = ({ key }) => ({
  label: 'absolute-form request target',
  ...keyedGet(key, 'http://evil.example/api/organisation'),
});

export const asteriskFormTarget: RawTemplate = ({ rng, key }) => {
  const method = rng.pick(['OPTIONS', 'GET']);
  return {
    label: `asterisk-form target with ${method}`,
    request: seenRequest(method, '*', { authorization: `Bearer ${key}` }),
    bytes: requestBytes(method, '*', [host, keyLine(key)]),
    transportRejection: [400],
  };
};

export const targetThatIsNotAUrl: RawTemplate = ({ rng, key }) => {
  const target = rng.pick([
    '//[',
    'http://[',
    '//a:b@[::1',
    'http://x:99999/api/organisation',
    '//%zz/api/organisation',
  ]);
  return {
    label: `request target that is not a valid URL: ${target}`,
    ...keyedGet(key, target),
    // 502 (no request id, the function never runs): the local Function URL server's `new URL(request.url)`
    // throws on these targets (local/function-url-event.ts, not part of the API). A Function URL on AWS
    // answers such requests itself. Counted as a transport rejection, reported separately.
    transportRejection: [400, 502],
  };
};

export const methodTheParserDoesNotKnow: RawTemplate = ({ rng, key }) => {
  const method = rng.pick(['get', 'FOO', 'G E T', 'GET\u0000', 'BREW', 'Post']);
  return {
    label: `method ${JSON.stringify(method)} the HTTP parser does not know`,
    request: seenRequest(method, organisation, {}),
    bytes: requestBytes(method, organisation, [host, keyLine(key)]),
    transportRejection: [400, 405, 'close'],
    only: 'transport',
  };
};

export const connect: RawTemplate = () => ({
  label: 'CONNECT',
  request: seenRequest('CONNECT', '127.0.0.1:443', {}),
  bytes: requestBytes('CONNECT', '127.0.0.1:443', [host]),
  transportRejection: [400, 405, 'close'],
  only: 'transport',
});

export const nulInPath: RawTemplate = ({ key }) => ({
  label: 'NUL byte in the path',
  request: seenRequest('GET', `${organisation}\u0000`, {}),
  bytes: requestBytes('GET', `${organisation}\u0000x`, [host, keyLine(key)]),
  transportRejection: [400],
  only: 'transport',
});

export const spaceInPath: RawTemplate = ({ key }) => ({
  label: 'space in the path',
  request: seenRequest('GET', `${organisation} x`, {}),
  bytes: requestBytes('GET', `${organisation} x`, [host, keyLine(key)]),
  transportRejection: [400],
  only: 'transport',
});

export const unsupportedHttpVersion: RawTemplate = ({ key }) => ({
  label: 'unsupported HTTP version',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key}` }),
  bytes: requestBytes('GET', organisation, [host, keyLine(key)], undefined, { version: 'HTTP/9.9' }),
  transportRejection: [400, 505],
});

export const bareLineFeeds: RawTemplate = ({ key }) => ({
  label: 'bare LF line endings',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key}` }),
  bytes: utf8(`GET ${organisation} HTTP/1.1\n${host}\n${keyLine(key)}\nConnection: close\n\n`),
  transportRejection: [400],
});

export const requestLineOverNodeLimit: RawTemplate = ({ rng, key }) => {
  const length = rng.int(17_000, 40_000);
  return {
    label: `request line over Node's header limit (${length} chars)`,
    request: seenRequest('GET', organisation, {}),
    bytes: requestBytes('GET', `/api/${'p'.repeat(length)}`, [host, keyLine(key)]),
    transportRejection: [400, 414, 431, 'close'],
    only: 'transport',
  };
};

export const rawUtf8InPath: RawTemplate = ({ key }) => ({
  label: 'raw UTF-8 bytes in the path',
  request: seenRequest('GET', '/api/partners/\u00e9\u65e5', { authorization: `Bearer ${key}` }),
  bytes: concatBytes(
    utf8('GET /api/partners/'),
    utf8('\u00e9\u65e5'),
    utf8(` HTTP/1.1\r\n${host}\r\n${keyLine(key)}\r\nConnection: close\r\n\r\n`),
  ),
  transportRejection: [400],
});
