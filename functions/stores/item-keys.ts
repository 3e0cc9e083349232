/** Key builders for every item type, in one place so access patterns stay visible. */
export const itemKeys = {
  organisation: (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'PROFILE' }),
  organisationsIndex: (createdAt: string, organisationId: string) => ({
    gsi1pk: 'ORGANISATIONS',
    gsi1sk: `${createdAt}#${organisationId}`,
  }),
  apiKey: (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  apiKeysOfOrganisationIndex: (organisationId: string, createdAt?: string, keyId?: string) => ({
    gsi1pk: `ORG#${organisationId}#APIKEYS`,
    ...(createdAt && keyId ? { gsi1sk: `${createdAt}#${keyId}` } : {}),
  }),
  partner: (organisationId: string, partnerId: string) => ({ pk: `ORG#${organisationId}`, sk: `PARTNER#${partnerId}` }),
  /** Same partition as the report and its sections, so all of a report's stream records share a shard. */
  reportEvent: (reportId: string, eventId: string) => ({ pk: `REPORT#${reportId}`, sk: `EVT#${eventId}` }),
  strategy: (organisationId: string, kind: string) => ({ pk: `ORG#${organisationId}`, sk: `STRATEGY#${kind}` }),
  icpCache: (organisationId: string, companyKey: string) => ({
    pk: `ORG#${organisationId}`,
    sk: `ICPCACHE#${companyKey}`,
  }),
  quotaPeriod: (organisationId: string, period: string) => ({ pk: `ORG#${organisationId}`, sk: `QUOTA#${period}` }),
};
