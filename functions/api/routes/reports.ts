import { randomUUID } from 'node:crypto';
import { reportQuotaUnits } from '../../domain/reports/report-charge.ts';
import { reportJobLifetimeSeconds } from '../../domain/reports/report-deadline.ts';
import { fingerprintFilters, generateReportRequestSchema } from '../../domain/reports/report-types.ts';
import { undoReportStart } from '../../reports/undo-report-start.ts';
import { isoNow } from '../../runtime/clock.ts';
import { enqueueReportJob } from '../../stores/report-queue.ts';
import { createReportUnlessRunning, type Report } from '../../stores/report-store.ts';
import { admitAiRequest } from '../quota-gate.ts';
import { jsonResponse } from '../responses.ts';
import type { Route } from '../router.ts';
import { parseJsonBody } from '../validation.ts';

export const reportRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/ai/strategy/executive-summary/generate',
    async handle({ request, caller }) {
      const input = parseJsonBody(request, generateReportRequestSchema);
      const now = isoNow();
      const report: Report = {
        reportId: randomUUID(),
        jobId: randomUUID(),
        organisationId: caller.organisation.organisationId,
        reportType: input.reportType,
        orgName: input.orgName,
        domain: input.domain,
        filters: input.filters,
        filterFingerprint: input.filterFingerprint ?? fingerprintFilters(input.filters),
        status: 'running',
        createdAt: now,
        updatedAt: now,
      };
      // The worker releases the lock earlier, on completion or final failure.
      const outcome = await createReportUnlessRunning(report, Math.floor(Date.now() / 1000) + reportJobLifetimeSeconds);
      if (!outcome.created) {
        return jsonResponse(202, {
          reportId: outcome.running.reportId,
          jobId: null,
          status: 'running',
          inFlight: true,
        });
      }

      // Charged only for a new job: joining a running one is free. Charged at the report's createdAt, the time
      // a refund of a failed report goes by.
      const charge = await admitAiRequest(caller, reportQuotaUnits, new Date(report.createdAt)).catch(
        (error: unknown) => undoReportStart(report, error),
      );
      try {
        await enqueueReportJob({
          type: 'report.generate',
          reportId: report.reportId,
          jobId: report.jobId,
          organisationId: report.organisationId,
        });
      } catch (error) {
        await undoReportStart(report, error, charge.refund);
      }
      return jsonResponse(202, { reportId: report.reportId, jobId: report.jobId, status: 'running' }, charge.headers);
    },
  },
];
