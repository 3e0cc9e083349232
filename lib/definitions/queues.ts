/** Report queue settings shared by the CDK stack and the local SQS stand-in. Plain data, no CDK imports. */
export const reportWorkerTimeoutSeconds = 300;

export const reportQueue = {
  /**
   * AWS advises at least six times the function timeout for an SQS event source. It is only how long a
   * delivery may run (and how long a message waits after a worker died without a word); a failed delivery
   * sets its own, much shorter wait (retryBackoffSeconds).
   */
  visibilityTimeoutSeconds: reportWorkerTimeoutSeconds * 6,
  /** After this many receives a message moves to the dead-letter queue. */
  maxReceiveCount: 3,
  /**
   * A failed delivery becomes visible again after this many seconds times its receive count (30 s, then 60 s):
   * the model call already retried its throttles and 5xx three times with exponential backoff within the
   * delivery, so what is left is an outage or a throughput quota counted per minute; waiting about a minute
   * lets either pass, and a report that fails for good is settled about 90 s after it started instead of after
   * an hour. The longest of these waits must stay below the visibility timeout, which bounds a job's lifetime.
   */
  retryBackoffSeconds: 30,
  retentionSeconds: 4 * 24 * 3600,
  batchSize: 5,
} as const;

export const reportDeadLetterQueue = { retentionSeconds: 14 * 24 * 3600 } as const;
