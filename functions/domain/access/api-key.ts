import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `pos_<keyId>_<secret>`. The key id is public (it names the key in logs and in the
 * admin CLI); only a SHA-256 hash of the 256-bit random secret is stored. A fast hash is enough because
 * the secret is random, not a password; there is nothing to brute-force from a dictionary.
 */
const keyPrefix = 'pos_';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export interface NewApiKey extends ParsedApiKey {
  apiKey: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): NewApiKey {
  const keyId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, apiKey: `${keyPrefix}${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKey(apiKey: string): ParsedApiKey | undefined {
  if (!apiKey.startsWith(keyPrefix)) return undefined;
  const keyId = apiKey.slice(keyPrefix.length, keyPrefix.length + 36);
  const separator = apiKey.charAt(keyPrefix.length + 36);
  const secret = apiKey.slice(keyPrefix.length + 37);
  if (!uuidPattern.test(keyId) || separator !== '_' || !secretPattern.test(secret)) return undefined;
  return { keyId, secret };
}

export function secretMatchesHash(secret: string, secretHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(secretHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Extracts the key from `Authorization: Bearer <key>`; undefined when the header is absent or malformed. */
export function bearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  return match?.[1];
}
