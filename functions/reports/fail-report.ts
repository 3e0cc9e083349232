import { reportQuotaPeriod, reportQuotaUnits } from '../domain/reports/report-charge.ts';
import { logger } from '../runtime/logger.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { refundQuota } from '../stores/quota-store.ts';
import { finishReport, type Report, releaseReportLock } from '../stores/report-store.ts';

/**
 * Ends a running report as failed for a reason that is not the caller's (the model, the worker's time, a lost
 * job), frees its in-flight lock and gives back the unit the report was charged. Only the call that actually
 * moved the report from running to failed refunds, so concurrent or repeated settlements refund once.
 * Returns whether this call failed the report.
 *
 * The lock goes first: a client that sees job.failed and asks again must start a new job, not join this one.
 */
export async function failReport(report: Report, reason: string, at = new Date()): Promise<boolean> {
  await releaseReportLock(report);
  const failedNow = await finishReport(report.reportId, 'failed', at.toISOString(), reason);
  if (failedNow) await refundReport(report);
  return failedNow;
}

/**
 * A failed refund is logged, not thrown: the report is failed either way, and no later step would retry the
 * refund (the report is no longer running), so failing the caller's request or the delivery would gain nothing.
 */
async function refundReport(report: Report): Promise<void> {
  const period = reportQuotaPeriod(report);
  try {
    await refundQuota(report.organisationId, period, reportQuotaUnits);
  } catch (error) {
    logger.error('Refunding a failed report did not work', {
      error: safeErrorSummary(error),
      organisationId: report.organisationId,
      reportId: report.reportId,
      period,
    });
  }
}
