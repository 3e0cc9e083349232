/** Key builders for every item type, in one place so access patterns stay visible. */
/** Sort-key prefixes within a knowledge namespace's partition: a query for one kind of item begins with one. */
export const knowledgeSortKeyPrefixes = {
  documents: 'DOC#',
  contentPartsOf: (documentId: string) => `CONTENT#${documentId}#`,
  chunks: 'CHUNK#',
  chunksOf: (documentId: string) => `CHUNK#${documentId}#`,
  indexes: 'KIDX#',
};

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
  /** A report, its sections and its event log share one partition, so their stream records share a shard. */
  report: (reportId: string) => ({ pk: `REPORT#${reportId}`, sk: 'REPORT' }),
  reportSection: (reportId: string, sectionId: string) => ({ pk: `REPORT#${reportId}`, sk: `SECTION#${sectionId}` }),
  reportsOfOrganisationIndex: (organisationId: string, createdAt?: string, reportId?: string) => ({
    gsi1pk: `ORG#${organisationId}#REPORTS`,
    ...(createdAt && reportId ? { gsi1sk: `${createdAt}#${reportId}` } : {}),
  }),
  /** At most one running job per organisation, report type and filter fingerprint. */
  reportLock: (organisationId: string, reportType: string, filterFingerprint: string) => ({
    pk: `ORG#${organisationId}`,
    sk: `REPORTLOCK#${reportType}#${filterFingerprint}`,
  }),
  /** One item per organisation holding every open progress stream's lease, so one conditional update counts them. */
  streamLeases: (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'STREAMLEASES' }),
  reportEvent: (reportId: string, eventId: string) => ({ pk: `REPORT#${reportId}`, sk: `EVT#${eventId}` }),
  strategy: (organisationId: string, kind: string) => ({ pk: `ORG#${organisationId}`, sk: `STRATEGY#${kind}` }),
  icpCache: (organisationId: string, companyKey: string) => ({
    pk: `ORG#${organisationId}`,
    sk: `ICPCACHE#${companyKey}`,
  }),
  /** A create request's `Idempotency-Key` (hashed), scoped to its organisation. */
  idempotencyRecord: (organisationId: string, keyHash: string) => ({
    pk: `ORG#${organisationId}`,
    sk: `IDEMPOTENCY#${keyHash}`,
  }),
  quotaPeriod: (organisationId: string, period: string) => ({ pk: `ORG#${organisationId}`, sk: `QUOTA#${period}` }),
  /** Model tokens per organisation and UTC month, apart from the quota item so that counting never slows admission. */
  usagePeriod: (organisationId: string, period: string) => ({ pk: `ORG#${organisationId}`, sk: `USAGE#${period}` }),
  /**
   * One partition per organisation and knowledge-base namespace: retrieval reads a namespace's chunks with
   * one query, and the organisation id in the key keeps tenants apart. Documents, their content parts and
   * their chunks are siblings under distinct sort-key prefixes.
   */
  knowledgeNamespace: (organisationId: string, namespace: string) => ({ pk: `ORG#${organisationId}#KB#${namespace}` }),
  knowledgeDocument: (organisationId: string, namespace: string, documentId: string) => ({
    pk: `ORG#${organisationId}#KB#${namespace}`,
    sk: `${knowledgeSortKeyPrefixes.documents}${documentId}`,
  }),
  knowledgeContentPart: (organisationId: string, namespace: string, documentId: string, part: number) => ({
    pk: `ORG#${organisationId}#KB#${namespace}`,
    sk: `${knowledgeSortKeyPrefixes.contentPartsOf(documentId)}${String(part).padStart(4, '0')}`,
  }),
  /** The namespace's chunk counter: reserved before a document is embedded, released when it is deleted. */
  knowledgeNamespaceUsage: (organisationId: string, namespace: string) => ({
    pk: `ORG#${organisationId}#KB#${namespace}`,
    sk: 'USAGE',
  }),
  /** A document's entries in the namespace's compact retrieval index (sign bits and term hashes per chunk). */
  knowledgeIndex: (organisationId: string, namespace: string, documentId: string) => ({
    pk: `ORG#${organisationId}#KB#${namespace}`,
    sk: `${knowledgeSortKeyPrefixes.indexes}${documentId}`,
  }),
  knowledgeChunk: (organisationId: string, namespace: string, documentId: string, chunkIndex: number) => ({
    pk: `ORG#${organisationId}#KB#${namespace}`,
    sk: `${knowledgeSortKeyPrefixes.chunksOf(documentId)}${String(chunkIndex).padStart(6, '0')}`,
  }),
};
