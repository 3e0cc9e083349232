/**
 * Raw cases that break the header section fetch would clean up: duplicate, oversized or very many headers,
 * a line without a colon, a CR inside a value, obsolete line folding, a missing Host, and
 * `Expect: 100-continue`.
 */
import { utf8 } from '../draft.ts';
import { host, keyLine, type RawTemplate, requestBytes, seenRequest } from './wire.ts';

const organisation = '/api/organisation';

export const duplicateAuthorization: RawTemplate = ({ key }) => ({
  label: 'duplicate Authorization headers (same valid key twice)',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key},Bearer ${key}` }),
  bytes: requestBytes('GET', organisation, [host, keyLine(key), keyLine(key)]),
});

export const duplicateAuthorizationThenGarbage: RawTemplate = ({ key }) => ({
  label: 'duplicate Authorization headers (valid, then garbage)',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key},Basic x` }),
  bytes: requestBytes('GET', organisation, [host, keyLine(key), 'Authorization: Basic x']),
});

export const longAuthorization: RawTemplate = ({ rng }) => {
  const value = `Bearer ${rng.string(rng.int(4_000, 12_000))}`;
  return {
    label: `long Authorization header (${value.length} chars)`,
    request: seenRequest('GET', organisation, { authorization: value }),
    bytes: requestBytes('GET', organisation, [host, `Authorization: ${value}`]),
  };
};

export const headersOverNodeLimit: RawTemplate = ({ rng, key }) => {
  const size = rng.int(17_000, 80_000);
  return {
    label: `headers over Node's 16 KiB limit (${size} bytes)`,
    request: seenRequest('GET', organisation, {}),
    bytes: requestBytes('GET', organisation, [host, keyLine(key), `X-Junk: ${'j'.repeat(size)}`]),
    transportRejection: [431, 'close'],
    only: 'transport',
  };
};

export const manyHeaders: RawTemplate = ({ rng, key }) => {
  const count = rng.int(100, 500);
  const lines = Array.from({ length: count }, (_, i) => `X-H${i}: ${rng.string(10)}`);
  return {
    label: `${count} extra headers`,
    request: seenRequest('GET', organisation, { authorization: `Bearer ${key}` }),
    bytes: requestBytes('GET', organisation, [host, keyLine(key), ...lines]),
  };
};

export const headerLineWithoutColon: RawTemplate = ({ key }) => ({
  label: 'header line without a colon',
  request: seenRequest('GET', organisation, {}),
  bytes: requestBytes('GET', organisation, [host, keyLine(key), 'NotAHeader']),
  transportRejection: [400],
  only: 'transport',
});

export const carriageReturnInHeaderValue: RawTemplate = ({ key }) => ({
  label: 'CR inside a header value (header injection)',
  request: seenRequest('GET', organisation, {}),
  bytes: requestBytes('GET', organisation, [host, `${keyLine(key)}\rX-Injected: 1`]),
  transportRejection: [400],
  only: 'transport',
});

export const foldedAuthorization: RawTemplate = ({ key }) => ({
  label: 'obs-fold continuation line in Authorization',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key.slice(0, 20)} ${key.slice(20)}` }),
  bytes: requestBytes('GET', organisation, [host, keyLine(key.slice(0, 20)), ` ${key.slice(20)}`]),
  transportRejection: [400],
});

export const http11WithoutHost: RawTemplate = ({ key }) => ({
  label: 'HTTP/1.1 without Host',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key}` }),
  bytes: requestBytes('GET', organisation, [keyLine(key)]),
  transportRejection: [400],
});

export const http10WithoutHost: RawTemplate = ({ key }) => ({
  label: 'HTTP/1.0 without Host',
  request: seenRequest('GET', organisation, { authorization: `Bearer ${key}` }),
  bytes: requestBytes('GET', organisation, [keyLine(key)], undefined, { version: 'HTTP/1.0' }),
  transportRejection: [400],
});

export const expectContinue: RawTemplate = ({ key }) => {
  const body = '{"name":"Expect","type":"channel"}';
  return {
    label: 'Expect: 100-continue',
    request: seenRequest(
      'POST',
      '/api/partners',
      { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      utf8(body),
    ),
    bytes: requestBytes(
      'POST',
      '/api/partners',
      [host, keyLine(key), 'Content-Type: application/json', 'Expect: 100-continue'],
      utf8(body),
    ),
  };
};
