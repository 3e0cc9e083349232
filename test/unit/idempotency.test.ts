/** The rules of `Idempotency-Key`: which keys are valid and which requests count as the same. */
import { describe, expect, test } from '@jest/globals';
import {
  canonicalJson,
  idempotencyKeyHash,
  idempotencyKeySchema,
  requestFingerprint,
} from '../../functions/domain/access/idempotency.ts';

describe('Idempotency-Key', () => {
  test('1 to 255 printable ASCII characters are a key; anything else is not', () => {
    for (const key of ['a', ' ', '~', 'k'.repeat(255), 'order 42/retry:1']) {
      expect(idempotencyKeySchema.safeParse(key).success).toBe(true);
    }
    for (const key of ['', 'k'.repeat(256), 'tab\there', 'new\nline', 'clé', '\u007f']) {
      expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
    }
  });

  test('keys are stored as fixed-length hashes', () => {
    expect(idempotencyKeyHash('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKeyHash('k'.repeat(255))).toHaveLength(64);
    expect(idempotencyKeyHash('a')).not.toBe(idempotencyKeyHash('A'));
  });
});

describe('request fingerprint', () => {
  const body = { name: 'Northwind', tags: ['b', 'a'], nested: { y: 1, x: [{ q: 1, p: 2 }] } };

  test('key order and whitespace do not change it; values, array order, method and path do', () => {
    const same = '{ "nested": {"x": [{"p": 2, "q": 1}], "y": 1}, "tags": ["b","a"], "name": "Northwind" }';
    const fingerprint = requestFingerprint('POST', '/api/partners', JSON.stringify(body));
    expect(requestFingerprint('POST', '/api/partners', same)).toBe(fingerprint);
    expect(requestFingerprint('POST', '/api/partners', JSON.stringify({ ...body, tags: ['a', 'b'] }))).not.toBe(
      fingerprint,
    );
    expect(requestFingerprint('POST', '/api/partners', JSON.stringify({ ...body, name: 'Contoso' }))).not.toBe(
      fingerprint,
    );
    expect(requestFingerprint('POST', '/api/knowledge-base/default/documents', JSON.stringify(body))).not.toBe(
      fingerprint,
    );
  });

  test('a body that is not JSON is compared as text, and no body differs from an empty object', () => {
    expect(requestFingerprint('POST', '/x', '{oops')).toBe(requestFingerprint('POST', '/x', '{oops'));
    expect(requestFingerprint('POST', '/x', '{oops')).not.toBe(requestFingerprint('POST', '/x', '{oops '));
    expect(requestFingerprint('POST', '/x', undefined)).not.toBe(requestFingerprint('POST', '/x', '{}'));
  });

  test('canonical JSON sorts keys at every level and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });
});
