import { isoNow } from '../runtime/clock.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { abandonReport, finishReport, type Report, releaseReportLock } from '../stores/report-store.ts';

/** Shown for a report whose start could not be fully undone (its job was never queued). */
export const reportNotStartedMessage = 'The report could not be started. Request it again.';

/**
 * Undoes the start of a report whose charge or enqueue failed, then rethrows that failure: the caller always
 * gets the error that happened (402, 429, or the queue's), never one from the clean-up. A clean-up step that
 * fails is logged with ids only.
 *
 * When the report cannot be deleted with its lock, the lock is freed alone (or the same request would join a
 * job that never runs until the lock expires) and the report is marked failed without a refund: left running,
 * a later read would settle it as a lost job and refund a unit that was refunded here or never charged.
 */
export async function undoReportStart(
  report: Report,
  failure: unknown,
  refund?: () => Promise<void>,
  abandon: (report: Report) => Promise<void> = abandonReport,
): Promise<never> {
  await Promise.all([
    refund?.().catch((error: unknown) => logUndoFailure('refund', report, error)),
    abandon(report).catch(async (error: unknown) => {
      logUndoFailure('abandon', report, error);
      await markNeverStarted(report).catch((fallbackError: unknown) =>
        logUndoFailure('mark failed', report, fallbackError),
      );
    }),
  ]);
  throw failure;
}

async function markNeverStarted(report: Report): Promise<void> {
  await releaseReportLock(report);
  await finishReport(report.reportId, 'failed', isoNow(), reportNotStartedMessage);
}

function logUndoFailure(step: string, report: Report, error: unknown): void {
  logger.error(`Undoing a report start: ${step} failed`, {
    error: safeErrorSummary(error),
    organisationId: report.organisationId,
    reportId: report.reportId,
    jobId: report.jobId,
  });
}
