/**
 * Raw cases about the body and its framing: chunked bodies under and over the limit, a malformed chunk size,
 * Content-Length together with Transfer-Encoding or twice, a GET with a body, a body shorter than its
 * Content-Length, and Latin-1 bytes declared as such.
 */
import { utf8 } from '../draft.ts';
import { chunkedIcpPost, host, keyLine, literalIcpPost, type RawTemplate, requestBytes, seenRequest } from './wire.ts';

export const chunkedJson: RawTemplate = ({ key }) => ({
  label: 'chunked JSON body',
  ...chunkedIcpPost(key, utf8(JSON.stringify({ company: 'acme.example' }))),
});

export const chunkedOverLimit: RawTemplate = ({ rng, key, fixtures }) => {
  const body = utf8(JSON.stringify({ company: 'x'.repeat(fixtures.maxBodyBytes + rng.int(1, 100_000)) }));
  return { label: `chunked body over the limit (${body.byteLength} bytes)`, ...chunkedIcpPost(key, body) };
};

/** An ICP POST whose framing Node's parser refuses before the API sees it. */
const refusedFraming =
  (label: string, framingLines: string[], rest: string): RawTemplate =>
  ({ key }) => ({
    label,
    request: seenRequest('POST', '/api/ai/icp', {}),
    bytes: literalIcpPost(key, framingLines, rest),
    transportRejection: [400],
    only: 'transport',
  });

export const malformedChunkSize = refusedFraming(
  'malformed chunk size',
  ['Transfer-Encoding: chunked'],
  'zz\r\n{}\r\n0\r\n\r\n',
);

export const contentLengthAndTransferEncoding = refusedFraming(
  'Content-Length and Transfer-Encoding together',
  ['Content-Length: 2', 'Transfer-Encoding: chunked'],
  '2\r\n{}\r\n0\r\n\r\n',
);

export const twoContentLengths = refusedFraming(
  'two different Content-Length headers',
  ['Content-Length: 2', 'Content-Length: 3'],
  '{}',
);

export const getWithMalformedBody: RawTemplate = ({ key }) => ({
  label: 'GET with a malformed body (ignored)',
  request: seenRequest('GET', '/api/organisation', {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
  }),
  bytes: requestBytes(
    'GET',
    '/api/organisation',
    [host, keyLine(key), 'Content-Type: application/json'],
    utf8('{not json'),
  ),
});

export const bodyShorterThanContentLength: RawTemplate = ({ key }) => {
  const body = '{"company":"acme.example"}';
  return {
    label: 'body shorter than its Content-Length, then half-close',
    request: seenRequest('POST', '/api/ai/icp', {}),
    bytes: literalIcpPost(key, [`Content-Length: ${utf8(body).byteLength + 50}`], body),
    transportRejection: [400, 'close'],
    only: 'transport',
    halfClose: true,
  };
};

export const latin1Body: RawTemplate = ({ key }) => {
  const body = new Uint8Array(Buffer.from('{"company":"Caf\u00e9"}', 'latin1'));
  const contentType = 'application/json; charset=latin1';
  return {
    label: 'Latin-1 bytes with charset=latin1',
    request: seenRequest('POST', '/api/ai/icp', { authorization: `Bearer ${key}`, 'content-type': contentType }, body),
    bytes: requestBytes('POST', '/api/ai/icp', [host, keyLine(key), `Content-Type: ${contentType}`], body),
    jsonNess: 'either',
  };
};
