import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { generateApiKey } from '../domain/access/api-key.ts';
import { isoNow } from '../runtime/clock.ts';
import { putApiKey } from '../stores/api-key-store.ts';
import { getOrganisation, type Organisation, putOrganisation } from '../stores/organisation-store.ts';

/** Administration used by the admin CLI and the local stack's demo seed; never exposed over HTTP. */
export const organisationNameSchema = z.string().trim().min(1).max(100);
export const userEmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const monthlyQuotaSchema = z.coerce.number().int().min(0).max(1_000_000_000);
export const aiRequestsPerMinuteSchema = z.coerce.number().int().min(1).max(1_000_000_000);

/** An organisation's own limits; an absent one follows the deployment default. */
export interface OrganisationLimits {
  monthlyQuota?: number;
  aiRequestsPerMinute?: number;
}

export async function createOrganisation(name: string, limits: OrganisationLimits = {}): Promise<Organisation> {
  const { monthlyQuota, aiRequestsPerMinute } = limits;
  const organisation: Organisation = {
    organisationId: randomUUID(),
    name: organisationNameSchema.parse(name),
    ...(monthlyQuota === undefined ? {} : { monthlyQuota: monthlyQuotaSchema.parse(monthlyQuota) }),
    ...(aiRequestsPerMinute === undefined
      ? {}
      : { aiRequestsPerMinute: aiRequestsPerMinuteSchema.parse(aiRequestsPerMinute) }),
    createdAt: isoNow(),
  };
  await putOrganisation(organisation);
  return organisation;
}

export interface IssuedApiKey {
  apiKey: string;
  keyId: string;
  organisationId: string;
  userEmail: string;
}

/** The plain key is returned once, here; only its hash is stored. */
export async function issueApiKey(organisationId: string, userEmail: string, label?: string): Promise<IssuedApiKey> {
  if (!(await getOrganisation(organisationId))) throw new Error(`No organisation ${organisationId}`);
  const { apiKey, keyId, secretHash } = generateApiKey();
  const email = userEmailSchema.parse(userEmail);
  await putApiKey({
    keyId,
    secretHash,
    organisationId,
    userEmail: email,
    ...(label ? { label } : {}),
    createdAt: isoNow(),
  });
  return { apiKey, keyId, organisationId, userEmail: email };
}
