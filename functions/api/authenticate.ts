import { bearerToken, parseApiKey, secretMatchesHash } from '../domain/access/api-key.ts';
import { type ApiKeyRecord, getApiKey } from '../stores/api-key-store.ts';
import { getOrganisation, type Organisation } from '../stores/organisation-store.ts';
import { ApiError } from './api-error.ts';
import type { ApiRequest } from './http-types.ts';

/** Who is calling: every key resolves to exactly one organisation and one user email. */
export interface Caller {
  organisation: Organisation;
  userEmail: string;
  keyId: string;
}

// One message for every failure, so a caller cannot tell a revoked key from a mistyped one.
const invalidKey = () =>
  new ApiError('unauthorized', 'Missing or invalid API key. Send it as "Authorization: Bearer <key>".', undefined, {
    'www-authenticate': 'Bearer',
  });

/**
 * A warm function remembers valid keys briefly: two DynamoDB round trips fewer before the first byte of
 * every request. The price is that a revocation or quota-limit change takes up to this long to apply.
 * Failed lookups are never remembered.
 */
export const credentialCacheMilliseconds = 30_000;
const credentialCacheCapacity = 1_000;
const rememberedCredentials = new Map<string, { record: ApiKeyRecord; organisation: Organisation; until: number }>();

async function lookUpCredentials(keyId: string) {
  const remembered = rememberedCredentials.get(keyId);
  if (remembered && remembered.until > Date.now()) return remembered;
  const record = await getApiKey(keyId);
  if (!record || record.revokedAt) return undefined;
  const organisation = await getOrganisation(record.organisationId);
  if (!organisation) return undefined;
  if (rememberedCredentials.size >= credentialCacheCapacity) rememberedCredentials.clear();
  const fresh = { record, organisation, until: Date.now() + credentialCacheMilliseconds };
  rememberedCredentials.set(keyId, fresh);
  return fresh;
}

export async function authenticate(request: ApiRequest): Promise<Caller> {
  const token = bearerToken(request.headers.authorization);
  const parsed = token ? parseApiKey(token) : undefined;
  if (!parsed) throw invalidKey();
  const credentials = await lookUpCredentials(parsed.keyId);
  if (!credentials || !secretMatchesHash(parsed.secret, credentials.record.secretHash)) throw invalidKey();
  return { organisation: credentials.organisation, userEmail: credentials.record.userEmail, keyId: parsed.keyId };
}
