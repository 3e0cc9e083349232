import { describe, expect, test } from '@jest/globals';
import {
  bearerToken,
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatchesHash,
} from '../../functions/domain/access/api-key.ts';

describe('API keys', () => {
  test('a generated key parses back to its id and secret, and only the hash matches', () => {
    const key = generateApiKey();
    expect(key.apiKey).toMatch(/^pos_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key.apiKey)).toEqual({ keyId: key.keyId, secret: key.secret });
    expect(key.secretHash).toBe(hashSecret(key.secret));
    expect(key.apiKey).not.toContain(key.secretHash);
    expect(secretMatchesHash(key.secret, key.secretHash)).toBe(true);
    expect(secretMatchesHash(`${key.secret.slice(0, -1)}A`, key.secretHash)).toBe(key.secret.endsWith('A'));
  });

  test('two keys never share an id or secret', () => {
    const [a, b] = [generateApiKey(), generateApiKey()];
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.secret).not.toBe(b.secret);
  });

  test.each([
    '',
    'pos_',
    'sk_live_abc',
    'pos_not-a-uuid_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'pos_0b9f3a64-8d0e-4d5c-9a51-2f7d5e3c1b2a_short',
    'pos_0b9f3a64-8d0e-4d5c-9a51-2f7d5e3c1b2a-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'pos_0B9F3A64-8D0E-4D5C-9A51-2F7D5E3C1B2A_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  ])('rejects malformed key %p', (candidate) => {
    expect(parseApiKey(candidate)).toBeUndefined();
  });

  test('reads only well-formed bearer headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
