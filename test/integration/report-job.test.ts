/**
 * One delivery of a report job against DynamoDB Local with a mock model in place of Bedrock: a model that
 * answers completes the report and frees its lock; a failing or too slow model fails the delivery for SQS to
 * redeliver, and on the last delivery marks the report failed with the reason.
 */
import { describe, expect, test } from '@jest/globals';
import type { LanguageModel } from 'ai';
import { sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { ReportJobOutOfTime, runReportJob } from '../../functions/reports/run-report-job.ts';
import { getReport, getReportLock, listReportSections, type Report } from '../../functions/stores/report-store.ts';
import { reportQueue } from '../../lib/definitions/queues.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { piecesOf, scriptedModel } from '../support/mock-model.ts';
import { createRunningReport } from '../support/running-report.ts';
import { createTenant } from '../support/tenants.ts';

useLocalStack({ reportWorker: false });

const sectionJson = JSON.stringify({
  title: 'Section',
  summary: 'What the partner data shows.',
  highlights: ['One point'],
  metrics: [],
});

async function runningReport(): Promise<Report> {
  const reportId = await createRunningReport(await createTenant());
  const report = await getReport(reportId);
  if (!report) throw new Error('The report was not written');
  return report;
}

const jobOf = (report: Report) => ({
  type: 'report.generate' as const,
  reportId: report.reportId,
  jobId: report.jobId,
  organisationId: report.organisationId,
});

const deliver = (report: Report, receiveCount: number, model: LanguageModel, stopAt?: number) =>
  runReportJob(jobOf(report), receiveCount, { model, ...(stopAt === undefined ? {} : { stopAt }) });

describe('runReportJob with a mock model', () => {
  test('writes every section, completes the report and frees its lock', async () => {
    const report = await runningReport();
    await deliver(report, 1, scriptedModel({ pieces: piecesOf(sectionJson, 16) }));
    const sections = await listReportSections(report.reportId);
    expect(sections.map((section) => section.sectionId)).toEqual(
      sectionPlans[report.reportType].map((plan) => plan.sectionId),
    );
    expect(sections.every((section) => section.status === 'completed')).toBe(true);
    expect((await getReport(report.reportId))?.status).toBe('completed');
    expect(await getReportLock(report)).toBeUndefined();
  });

  test('a model failing mid-stream fails an earlier delivery and leaves the report running', async () => {
    const report = await runningReport();
    const model = scriptedModel({
      pieces: piecesOf(sectionJson, 16),
      failAfter: { pieces: 2, error: new Error('model overloaded') },
    });
    await expect(deliver(report, 1, model)).rejects.toThrow('model overloaded');
    expect((await getReport(report.reportId))?.status).toBe('running');
  });

  test("on the last delivery the report fails with the model's reason and its lock is freed", async () => {
    const report = await runningReport();
    const model = scriptedModel({
      pieces: piecesOf(sectionJson, 16),
      failAfter: { pieces: 2, error: new Error('model overloaded') },
    });
    await expect(deliver(report, reportQueue.maxReceiveCount, model)).rejects.toThrow('model overloaded');
    expect(await getReport(report.reportId)).toMatchObject({
      status: 'failed',
      errorMessage: expect.stringContaining('model overloaded'),
    });
    expect(await getReportLock(report)).toBeUndefined();
  });

  test('a delivery out of time stops the model and fails as out of time, no cut-off section completed', async () => {
    const report = await runningReport();
    const slowModel = scriptedModel({ pieces: piecesOf(sectionJson, 4), delayMs: 50 });
    const delivery = deliver(report, reportQueue.maxReceiveCount, slowModel, Date.now() + 300);
    await expect(delivery).rejects.toBeInstanceOf(ReportJobOutOfTime);
    expect(await getReport(report.reportId)).toMatchObject({
      status: 'failed',
      errorMessage: expect.stringContaining('time limit'),
    });
    const completed = (await listReportSections(report.reportId)).filter((section) => section.status === 'completed');
    expect(completed).toEqual([]);
  });
});
