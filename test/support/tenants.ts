import { createOrganisation, issueApiKey, type OrganisationLimits } from '../../functions/admin/provisioning.ts';

export interface TestTenant {
  organisationId: string;
  apiKey: string;
  keyId: string;
}

/** A fresh organisation with one API key, created through the same code as the admin CLI. */
export async function createTenant(limits: OrganisationLimits = {}, email = 'owner@acme.example'): Promise<TestTenant> {
  const organisation = await createOrganisation(`Tenant ${Math.random().toString(36).slice(2, 8)}`, limits);
  const key = await issueApiKey(organisation.organisationId, email);
  return { organisationId: organisation.organisationId, apiKey: key.apiKey, keyId: key.keyId };
}

export const bearer = (tenant: TestTenant) => ({ authorization: `Bearer ${tenant.apiKey}` });
