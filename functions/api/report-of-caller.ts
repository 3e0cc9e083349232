import { readReport } from '../reports/read-report.ts';
import type { Report } from '../stores/report-store.ts';
import { notFound } from './api-error.ts';

/**
 * Another organisation's report is indistinguishable from a missing one; readReport checks the
 * owner before it may settle a lost job, so another organisation's read cannot change the report either.
 * Shared by the report routes and the progress stream, which stands alone.
 */
export async function reportOfCaller(organisationId: string, reportId: string): Promise<Report> {
  const report = await readReport(reportId, organisationId);
  if (!report) throw notFound('Report');
  return report;
}
