import { randomUUID } from 'node:crypto';
import { fingerprintFilters, type GenerateReportRequest } from '../domain/reports/report-types.ts';
import { isoNow } from '../runtime/clock.ts';
import { enqueueReportJob } from '../stores/report-queue.ts';
import { createReportUnlessRunning, type Report } from '../stores/report-store.ts';
import { reportJobLifetimeSeconds } from './report-deadline.ts';
import { undoReportStart } from './undo-report-start.ts';

/** What charging a new report returned: headers for the response, and the way back when the job never starts. */
export interface ReportCharge {
  headers: Record<string, string>;
  refund(): Promise<void>;
}

/**
 * Charges the organisation for a new report at `chargedAt`, or throws when it may not start one. The report's
 * own createdAt is passed, because a refund of a failed report goes by that time.
 */
export type ChargeReport = (chargedAt: Date) => Promise<ReportCharge>;

export type ReportStart =
  | { joined: true; reportId: string }
  | { joined: false; reportId: string; jobId: string; chargeHeaders: Record<string, string> };

/**
 * Starts a report job, or joins the one already running for the same organisation, type and filters.
 *
 * The report is created with an in-flight lock that lives as long as SQS may still deliver the job (the worker
 * releases it earlier, on completion or final failure). Only a new job is charged: joining a running one is
 * free. When the charge or the enqueue fails, the start is undone (report, lock and charge) and that failure
 * is rethrown.
 */
export async function startReport(
  organisationId: string,
  request: GenerateReportRequest,
  charge: ChargeReport,
): Promise<ReportStart> {
  const now = isoNow();
  const report: Report = {
    reportId: randomUUID(),
    jobId: randomUUID(),
    organisationId,
    reportType: request.reportType,
    orgName: request.orgName,
    domain: request.domain,
    filters: request.filters,
    filterFingerprint: request.filterFingerprint ?? fingerprintFilters(request.filters),
    status: 'running',
    createdAt: now,
    updatedAt: now,
  };
  const outcome = await createReportUnlessRunning(report, Math.floor(Date.now() / 1000) + reportJobLifetimeSeconds);
  if (!outcome.created) return { joined: true, reportId: outcome.running.reportId };

  const { headers, refund } = await charge(new Date(report.createdAt)).catch((error: unknown) =>
    undoReportStart(report, error),
  );
  try {
    await enqueueReportJob({
      type: 'report.generate',
      reportId: report.reportId,
      jobId: report.jobId,
      organisationId: report.organisationId,
    });
  } catch (error) {
    await undoReportStart(report, error, refund);
  }
  return { joined: false, reportId: report.reportId, jobId: report.jobId, chargeHeaders: headers };
}
