import { reportQuotaUnits } from '../../domain/reports/report-charge.ts';
import { generateReportRequestSchema } from '../../domain/reports/report-types.ts';
import { startReport } from '../../reports/start-report.ts';
import { listReportSections, listReports } from '../../stores/report-store.ts';
import { idempotent } from '../idempotency.ts';
import { admitAiRequest } from '../quota-gate.ts';
import { reportOfCaller } from '../report-of-caller.ts';
import { jsonResponse } from '../responses.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseJsonBody, resourceIdParam } from '../validation.ts';

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
