/**
 * The single-table layout, as plain data. The CDK stack and the local stack both build the table from
 * this module, so the table that tests run against cannot drift from the one that is deployed.
 * It must not import aws-cdk-lib: the local stack and the Lambda bundles load it.
 */
export const tableKeys = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Generic secondary index: lists an organisation's API keys, partners, documents and reports by time. */
export const secondaryIndexes = [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] as const;

/** Epoch seconds. DynamoDB deletes the item some time after it passes (minutes to days on AWS). */
export const timeToLiveAttribute = 'expiresAt';

export const streamViewType = 'NEW_AND_OLD_IMAGES' as const;

/** Entity names written in the `entity` attribute of every item. */
export const entityNames = {
  organisation: 'Organisation',
  apiKey: 'ApiKey',
  partner: 'Partner',
  quotaPeriod: 'QuotaPeriod',
  usagePeriod: 'UsagePeriod',
  report: 'Report',
  reportSection: 'ReportSection',
  reportEvent: 'ReportEvent',
  reportLock: 'ReportLock',
  streamLeases: 'StreamLeases',
  knowledgeDocument: 'KnowledgeDocument',
  knowledgeContentPart: 'KnowledgeContentPart',
  knowledgeChunk: 'KnowledgeChunk',
  knowledgeIndex: 'KnowledgeIndex',
  knowledgeNamespaceUsage: 'KnowledgeNamespaceUsage',
  strategy: 'Strategy',
  icpCache: 'IcpCache',
  idempotencyRecord: 'IdempotencyRecord',
} as const;

/**
 * Only report and report-section changes are projected into the per-report event log. Event-log items
 * themselves must never match, or the projector would feed itself. Lambda event-source filter syntax;
 * the local stream poller evaluates the same pattern.
 */
export const projectorFilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { entity: { S: [entityNames.report, entityNames.reportSection] } } },
} as const;

/**
 * A stream batch the projector fails on is retried this often before it goes to the failure queue (the local
 * stream poller drops it with a log line). Shared with the local poller so its retry budget is the deployed one:
 * with fewer retries a DynamoDB Local restart of two seconds outlasted them and report events were lost.
 */
export const projectorRetryAttempts = 5;
