import { isLostJob, lostJobMessage } from '../domain/reports/report-deadline.ts';
import { finishReport, getReport, type Report } from '../stores/report-store.ts';

/**
 * Reads a report, settling a lost job on the way: when a worker died during the final delivery the message
 * went to the DLQ without the report being failed. The first reader after the job's lifetime fails it
 * (conditionally, once), the projector turns that into job.failed, and SSE clients stop waiting.
 */
export async function readReport(reportId: string, now = new Date()): Promise<Report | undefined> {
  const report = await getReport(reportId);
  if (!report || !isLostJob(report, now)) return report;
  await finishReport(reportId, 'failed', now.toISOString(), lostJobMessage);
  return getReport(reportId);
}
