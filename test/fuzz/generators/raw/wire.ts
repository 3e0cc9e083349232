/**
 * Building blocks of the `raw` cases, which are written byte for byte to a socket: the request bytes (with
 * Content-Length or chunked framing and `Connection: close`), the request as the oracle should judge it, and
 * the two requests most templates vary (a keyed GET, a chunked POST to the ICP endpoint).
 */
import type { EvaluatedRequest, JsonNess } from '../../oracle.ts';
import type { Rng } from '../../prng.ts';
import type { FuzzFixtures } from '../../route-specs.ts';
import { concatBytes, utf8 } from '../draft.ts';

export interface RawDraft {
  label: string;
  /** The request line's method and target, and the headers, for the oracle (after Node's joining). */
  request: EvaluatedRequest;
  bytes: Uint8Array;
  /** Passed on to the case: see FuzzCase.transportRejection. */
  transportRejection?: Array<number | 'close'>;
  jsonNess?: JsonNess;
  /** Passed on to the case: see FuzzCase.halfClose. */
  halfClose?: boolean;
  /** Replaces the oracle: for requests the API never sees. */
  only?: 'transport';
}

export interface RawContext {
  rng: Rng;
  fixtures: FuzzFixtures;
  /** The fuzz tenant's API key. */
  key: string;
}

export type RawTemplate = (context: RawContext) => RawDraft;

export const host = 'Host: 127.0.0.1';

export const keyLine = (key: string) => `Authorization: Bearer ${key}`;

const chunkBytes = 16_384;

/** A whole HTTP/1.x request: request line, header lines, `Connection: close`, framing, body. */
export function requestBytes(
  method: string,
  target: string,
  headerLines: string[],
  body?: Uint8Array,
  options: { version?: string; chunked?: boolean } = {},
): Uint8Array {
  const lines = [`${method} ${target} ${options.version ?? 'HTTP/1.1'}`, ...headerLines, 'Connection: close'];
  if (body && !options.chunked) lines.push(`Content-Length: ${body.byteLength}`);
  if (body && options.chunked) lines.push('Transfer-Encoding: chunked');
  const head = utf8(`${lines.join('\r\n')}\r\n\r\n`);
  if (!body) return head;
  if (!options.chunked) return concatBytes(head, body);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < body.byteLength; at += chunkBytes) {
    const chunk = body.subarray(at, at + chunkBytes);
    chunks.push(utf8(`${chunk.byteLength.toString(16)}\r\n`), chunk, utf8('\r\n'));
  }
  return concatBytes(head, ...chunks, utf8('0\r\n\r\n'));
}

/** The request as the API's HTTP layer sees it, for the oracle. */
export function seenRequest(
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): EvaluatedRequest {
  return { method, target, headers, ...(body ? { body } : {}) };
}

/** A GET with the fixture key: as the API's HTTP layer sees it, and as bytes on the wire. */
export function keyedGet(key: string, target: string): Pick<RawDraft, 'request' | 'bytes'> {
  return {
    request: seenRequest('GET', target, { authorization: `Bearer ${key}` }),
    bytes: requestBytes('GET', target, [host, keyLine(key)]),
  };
}

/** A JSON body POSTed to the ICP endpoint with the fixture key in chunked transfer encoding. */
export function chunkedIcpPost(key: string, body: Uint8Array): Pick<RawDraft, 'request' | 'bytes'> {
  return {
    request: seenRequest(
      'POST',
      '/api/ai/icp',
      { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    ),
    bytes: requestBytes('POST', '/api/ai/icp', [host, keyLine(key), 'Content-Type: application/json'], body, {
      chunked: true,
    }),
  };
}

/** An ICP POST with the fixture key written as one literal text, for framing no builder would produce. */
export function literalIcpPost(key: string, framingLines: string[], rest: string): Uint8Array {
  const framing = framingLines.map((line) => `${line}\r\n`).join('');
  return utf8(
    `POST /api/ai/icp HTTP/1.1\r\n${host}\r\n${keyLine(key)}\r\nContent-Type: application/json\r\n${framing}Connection: close\r\n\r\n${rest}`,
  );
}
