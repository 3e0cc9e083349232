import { bearerToken, parseApiKey, secretMatchesHash } from '../domain/access/api-key.ts';
import { getApiKey } from '../stores/api-key-store.ts';
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

export async function authenticate(request: ApiRequest): Promise<Caller> {
  const token = bearerToken(request.headers.authorization);
  const parsed = token ? parseApiKey(token) : undefined;
  if (!parsed) throw invalidKey();
  const record = await getApiKey(parsed.keyId);
  if (!record || record.revokedAt || !secretMatchesHash(parsed.secret, record.secretHash)) throw invalidKey();
  const organisation = await getOrganisation(record.organisationId);
  if (!organisation) throw invalidKey();
  return { organisation, userEmail: record.userEmail, keyId: record.keyId };
}
