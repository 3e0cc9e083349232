import { getReport, type Report } from '../stores/report-store.ts';
import { failReport } from './fail-report.ts';
import { isLostJob, lostJobMessage } from './report-deadline.ts';

/**
 * Reads one organisation's report: another organisation's report is undefined, exactly like a missing one.
 *
 * A lost job is settled on the way: when a worker died during the final delivery the message went to the DLQ
 * without the report being failed. The first reader after the job's lifetime fails it (conditionally, once,
 * refunding its unit), the projector turns that into job.failed, and SSE clients stop waiting. Ownership is
 * checked first, so only the owner's reads can change the report.
 */
export async function readReport(
  reportId: string,
  organisationId: string,
  now = new Date(),
): Promise<Report | undefined> {
  const report = await getReport(reportId);
  if (!report || report.organisationId !== organisationId) return undefined;
  if (!isLostJob(report, now)) return report;
  await failReport(report, lostJobMessage, now);
  return getReport(reportId);
}
