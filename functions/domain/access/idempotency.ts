/**
 * Idempotent creates: the rules of the `Idempotency-Key` header, with no I/O. A key names one request of one
 * organisation for 24 hours; the request it names is identified by its fingerprint.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Lower-case, as the API's request headers are. */
export const idempotencyKeyHeader = 'idempotency-key';

/** Printable ASCII (space to tilde), 1-255 characters: room for a UUID or a client's own composite key. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x20-\x7e]{1,255}$/, 'An Idempotency-Key is 1 to 255 printable ASCII characters.')
  .describe(
    'Makes a create safe to retry: the same key and body within 24 h replay the first 2xx response; another body is 409.',
  );

/** How long a completed request's response is replayed for its key. */
export const idempotencyReplaySeconds = 24 * 60 * 60;

/**
 * How long an unfinished request holds its key. Longer than the HTTP function may run (360 s), so a live
 * request is never overtaken; a request whose function died frees its key this long after it started.
 */
export const idempotencyClaimSeconds = 7 * 60;

/** The key as stored: a fixed-length hash, so any printable key makes a valid sort key and none is kept verbatim. */
export const idempotencyKeyHash = (key: string): string => createHash('sha256').update(key).digest('hex');

/** JSON with object keys sorted at every level, so the same body written in another key order is the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The body as compared between requests: its canonical JSON, or the text itself when it is not JSON. */
function canonicalBody(body: string | undefined): string {
  if (body === undefined || body.length === 0) return '';
  try {
    return canonicalJson(JSON.parse(body));
  } catch {
    return body;
  }
}

/**
 * SHA-256 of the method, path and canonical body: a key reused on another endpoint is another request too.
 */
export const requestFingerprint = (method: string, path: string, body: string | undefined): string =>
  createHash('sha256')
    .update(`${method} ${path}\n${canonicalBody(body)}`)
    .digest('hex');
