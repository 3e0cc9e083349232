/**
 * Fault: a report delivery runs out of the worker's time. The worker stops `reportJobSafetyMarginMs` before its
 * Lambda limit (here the stop time is given directly, a second and a half away, with a model slow enough that
 * the report cannot finish). Documented outcome (README, "Report worker"): the model calls are cancelled, no
 * section is written as completed from a cut-off stream, completed sections stay; an earlier delivery fails for
 * SQS to redeliver, the final delivery marks the report failed with the reason, releases the in-flight lock, and
 * the SSE client gets job.failed.
 */
import { describe, expect, test } from '@jest/globals';
import { languageModel } from '../../functions/ai/models.ts';
import { sectionPayloadSchema } from '../../functions/domain/reports/report-types.ts';
import { ReportJobOutOfTime, runReportJob } from '../../functions/reports/run-report-job.ts';
import { getReport, listReportSections } from '../../functions/stores/report-store.ts';
import { reportQueue } from '../../lib/definitions/queues.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { collectReportEvents } from '../support/report-events-client.ts';
import { bearer, createTenant } from '../support/tenants.ts';
import { quotaUsed } from './support/api.ts';
import { pacedModel } from './support/paced-model.ts';
import { progressUrl, type StartedReport, startReport } from './support/reports.ts';

const model = pacedModel(40);
// The queue is not consumed: each test runs the deliveries itself, with the stop time it chooses.
const local = useLocalStack({ reportWorker: false, localBedrock: { generator: model.generator } });

const jobOf = (report: StartedReport, organisationId: string) => ({
  type: 'report.generate' as const,
  reportId: report.reportId,
  jobId: report.jobId,
  organisationId,
});

async function expectNoCutOffSection(reportId: string) {
  for (const section of await listReportSections(reportId)) {
    if (section.status === 'completed') expect(sectionPayloadSchema.safeParse(section.payload).success).toBe(true);
  }
}

describe('a report delivery runs out of time', () => {
  test('an earlier delivery stops at its time and fails for redelivery; the report keeps running', async () => {
    const tenant = await createTenant();
    const report = await startReport(local.stack, tenant, 'executive-summary');
    const delivery = runReportJob(jobOf(report, tenant.organisationId), 1, {
      model: languageModel('reports'),
      stopAt: Date.now() + 1_500,
    });
    await expect(delivery).rejects.toBeInstanceOf(ReportJobOutOfTime);
    expect((await getReport(report.reportId))?.status).toBe('running');
    await expectNoCutOffSection(report.reportId);
  });

  test('the final delivery marks the report failed with the reason, frees the lock, and clients get job.failed', async () => {
    const tenant = await createTenant();
    const report = await startReport(local.stack, tenant, 'executive-summary');
    const following = collectReportEvents(progressUrl(local.stack, report.reportId), bearer(tenant));
    const startedAt = Date.now();
    const delivery = runReportJob(jobOf(report, tenant.organisationId), reportQueue.maxReceiveCount, {
      model: languageModel('reports'),
      stopAt: startedAt + 1_500,
    });
    await expect(delivery).rejects.toBeInstanceOf(ReportJobOutOfTime);

    const failed = await getReport(report.reportId);
    expect(failed).toMatchObject({ status: 'failed', errorMessage: expect.stringContaining('time limit') });
    // Running out of time is not the caller's doing: the report's unit comes back.
    expect(await quotaUsed(local.stack, tenant)).toBe(0);
    await expectNoCutOffSection(report.reportId);
    // Not every section could have been generated in the time given (6 sections, 4 at a time, each over a second).
    const sections = await listReportSections(report.reportId);
    expect(sections.filter((section) => section.status === 'completed').length).toBeLessThan(6);

    const events = await following;
    expect(events.at(-1)).toMatchObject({
      type: 'job.failed',
      data: { reportId: report.reportId, errorMessage: expect.stringContaining('time limit') },
    });

    // The in-flight lock went with the job: the same request starts a new job instead of joining the dead one.
    const again = await startReport(local.stack, tenant, 'executive-summary', report.orgName);
    expect(again).toMatchObject({ jobId: expect.any(String), status: 'running' });
    expect(again.reportId).not.toBe(report.reportId);
  });
});
