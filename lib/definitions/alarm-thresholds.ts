/** When the operational alarms fire, derived from the pipeline's own timing. Plain data, no CDK imports. */
import { reportQueue, reportWorkerTimeoutSeconds } from './queues.ts';

/**
 * The longest a report message stays in the queue while everything works as designed: every receive runs the
 * worker to its limit, each failure hides the message for its back-off (`retryBackoffSeconds` × receive count), and after the last one SQS moves it to
 * the dead-letter queue on the next receive. 3 × 300 s + 30 + 60 + 90 s = 18 minutes with today's settings.
 */
export const longestHealthyReportMessageAgeSeconds =
  reportQueue.maxReceiveCount * reportWorkerTimeoutSeconds +
  reportQueue.retryBackoffSeconds * ((reportQueue.maxReceiveCount * (reportQueue.maxReceiveCount + 1)) / 2);

export const alarmThresholds = {
  /** Older than any healthy message can get: reports wait for a worker (concurrency, throttling, a crash). */
  reportQueueOldestMessageSeconds: longestHealthyReportMessageAgeSeconds,
  /**
   * The projector turns a report change into an SSE event within a second or two. A minute behind for five
   * minutes in a row is no retry blip: progress streams stall, and the table stream keeps records for 24 h only.
   */
  projectorIteratorAge: { maxAgeSeconds: 60, minutes: 5 },
  /**
   * A failed section is retried with its delivery, so one failure is no news; several in each of two 5-minute
   * periods mean the report model keeps failing (throttled or unavailable) before any report reaches the
   * dead-letter queue. Partial batch failures are not invocation errors, so no other alarm sees them.
   */
  reportSectionFailures: { count: 3, periods: 2 },
} as const;
