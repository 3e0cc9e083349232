import { reportQuotaUnits } from '../../domain/reports/report-charge.ts';
import { generateReportRequestSchema } from '../../domain/reports/report-types.ts';
import { readReport } from '../../reports/read-report.ts';
import { startReport } from '../../reports/start-report.ts';
import { listReportSections, listReports, type Report } from '../../stores/report-store.ts';
import { notFound } from '../api-error.ts';
import { idempotent } from '../idempotency.ts';
import { admitAiRequest } from '../quota-gate.ts';
import { jsonResponse } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody, resourceIdParam } from '../validation.ts';

/**
 * Another organisation's report is indistinguishable from a missing one; readReport checks the
 * owner before it may settle a lost job, so another organisation's read cannot change the report either.
 */
export async function reportOfCaller(organisationId: string, reportId: string): Promise<Report> {
  const report = await readReport(reportId, organisationId);
  if (!report) throw notFound('Report');
  return report;
}

async function generateReport({ request, caller }: RouteContext) {
  const input = parseJsonBody(request, generateReportRequestSchema);
  const started = await startReport(caller.organisation.organisationId, input, (chargedAt) =>
    admitAiRequest(caller.organisation, reportQuotaUnits, chargedAt),
  );
  if (started.joined) {
    return jsonResponse(202, { reportId: started.reportId, jobId: null, status: 'running', inFlight: true });
  }
  return jsonResponse(
    202,
    { reportId: started.reportId, jobId: started.jobId, status: 'running' },
    started.chargeHeaders,
  );
}

async function listOwnReports({ caller }: RouteContext) {
  return jsonResponse(200, { reports: await listReports(caller.organisation.organisationId) });
}

async function getReportWithSections({ caller, params }: RouteContext) {
  const id = resourceIdParam(params, 'reportId', 'Report');
  const report = await reportOfCaller(caller.organisation.organisationId, id);
  return jsonResponse(200, { ...report, sections: await listReportSections(report.reportId) });
}

export const reportRoutes: Route[] = [
  { method: 'POST', pattern: '/api/ai/strategy/executive-summary/generate', handle: idempotent(generateReport) },
  { method: 'GET', pattern: '/api/reports', handle: listOwnReports },
  { method: 'GET', pattern: '/api/reports/:reportId', handle: getReportWithSections },
];
