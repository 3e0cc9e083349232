/** Report queue settings shared by the CDK stack and the local SQS stand-in. Plain data, no CDK imports. */
export const reportWorkerTimeoutSeconds = 300;

export const reportQueue = {
  /** AWS advises at least six times the function timeout for an SQS event source. */
  visibilityTimeoutSeconds: reportWorkerTimeoutSeconds * 6,
  /** After this many receives a message moves to the dead-letter queue. */
  maxReceiveCount: 3,
  retentionSeconds: 4 * 24 * 3600,
  batchSize: 5,
} as const;

export const reportDeadLetterQueue = { retentionSeconds: 14 * 24 * 3600 } as const;
