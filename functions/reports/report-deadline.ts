import { reportQueue, reportWorkerTimeoutSeconds } from '../../lib/definitions/queues.ts';

/**
 * How long SQS may still deliver a report job: every receive, each up to the visibility timeout, plus one
 * worker run. A failed delivery waits less than the visibility timeout (retryVisibilitySeconds), so the bound
 * holds for failures as for a worker that died. The in-flight lock lives this long, and a report still running
 * after it can never finish.
 */
export const reportJobLifetimeSeconds =
  reportQueue.maxReceiveCount * reportQueue.visibilityTimeoutSeconds + reportWorkerTimeoutSeconds;

/**
 * How long a failed delivery stays invisible before SQS offers it again: a backoff that grows with the receive
 * count, never above the queue's visibility timeout.
 */
export function retryVisibilitySeconds(receiveCount: number): number {
  const receives = Number.isFinite(receiveCount) ? Math.max(1, Math.floor(receiveCount)) : 1;
  return Math.min(reportQueue.visibilityTimeoutSeconds, reportQueue.retryBackoffSeconds * receives);
}

/** The reason given when a worker died on the job's last delivery, so nothing marked the report failed. */
export const lostJobMessage = 'The report job was lost: its worker stopped during the final delivery.';

export function isLostJob(report: { status: string; createdAt: string }, now: Date): boolean {
  return report.status === 'running' && now.getTime() - Date.parse(report.createdAt) > reportJobLifetimeSeconds * 1000;
}

/** On this delivery a failing job is settled as failed, because SQS moves the message to the DLQ after it. */
export const isLastDelivery = (receiveCount: number): boolean => receiveCount >= reportQueue.maxReceiveCount;
