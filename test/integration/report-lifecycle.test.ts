/**
 * Report lifecycle edges on the local stack: a lost job is settled only by its own organisation's reads and
 * refunds its unit once however many read at the same time; a report start that must be undone answers with
 * its original error even when the clean-up fails, and leaves no lock behind.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, jest, test } from '@jest/globals';
import { ApiError } from '../../functions/api/api-error.ts';
import { quotaPeriodExpiry } from '../../functions/domain/access/quota.ts';
import { rateWindow } from '../../functions/domain/access/rate-limit.ts';
import { reportQuotaPeriod } from '../../functions/domain/reports/report-charge.ts';
import { readReport } from '../../functions/reports/read-report.ts';
import { lostJobMessage, reportJobLifetimeSeconds } from '../../functions/reports/report-deadline.ts';
import { reportNotStartedMessage, undoReportStart } from '../../functions/reports/undo-report-start.ts';
import { dynamo, tableName } from '../../functions/stores/dynamo.ts';
import { DeleteCommand } from '../../functions/stores/dynamodb/commands.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { admitToQuotaAndRate, quotaUsed } from '../../functions/stores/quota-store.ts';
import {
  createReportUnlessRunning,
  getReport,
  getReportLock,
  type Report,
} from '../../functions/stores/report-store.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack({ reportWorker: false });

/** A running report created `ageSeconds` ago, with its lock, as the generate route leaves it. */
async function runningReport(organisationId: string, ageSeconds = 0): Promise<Report> {
  const createdAt = new Date(Date.now() - ageSeconds * 1000).toISOString();
  const report: Report = {
    reportId: randomUUID(),
    jobId: randomUUID(),
    organisationId,
    reportType: 'quarterly-review',
    orgName: 'Acme',
    domain: 'acme.example',
    filters: {},
    filterFingerprint: `lifecycle-${randomUUID()}`,
    status: 'running',
    createdAt,
    updatedAt: createdAt,
  };
  const outcome = await createReportUnlessRunning(
    report,
    Math.floor(Date.parse(createdAt) / 1000) + reportJobLifetimeSeconds,
  );
  expect(outcome).toEqual({ created: true });
  return report;
}

/** Quota units used in the month the report was charged to, as if its organisation had spent `units` then. */
async function spendInReportMonth(report: Report, units: number): Promise<void> {
  const at = new Date(report.createdAt);
  const admission = await admitToQuotaAndRate({
    organisationId: report.organisationId,
    period: reportQuotaPeriod(report),
    units,
    monthlyLimit: 1000,
    expiresAt: quotaPeriodExpiry(at),
    window: rateWindow(at).window,
    requestsPerWindow: 1000,
  });
  expect(admission).toMatchObject({ admitted: true });
}

const usedInReportMonth = (report: Report) => quotaUsed(report.organisationId, reportQuotaPeriod(report));

const readOverHttp = (tenant: TestTenant, reportId: string) =>
  fetch(`${local.stack.baseUrl}/api/reports/${reportId}`, { headers: bearer(tenant) });

describe('a lost job', () => {
  test("another organisation's read neither settles nor reveals it", async () => {
    const [owner, other] = await Promise.all([createTenant(), createTenant()]);
    const report = await runningReport(owner.organisationId, reportJobLifetimeSeconds + 60);
    await spendInReportMonth(report, 2);

    const read = await readOverHttp(other, report.reportId);
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ code: 'not_found' });
    const stream = await fetch(
      `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${report.reportId}`,
      { headers: bearer(other) },
    );
    expect(stream.status).toBe(404);
    await stream.body?.cancel();
    expect(await readReport(report.reportId, other.organisationId)).toBeUndefined();

    expect((await getReport(report.reportId))?.status).toBe('running');
    expect(await usedInReportMonth(report)).toBe(2);
  });

  test('concurrent reads by its owner settle it once and refund its unit once', async () => {
    const owner = await createTenant();
    const report = await runningReport(owner.organisationId, reportJobLifetimeSeconds + 60);
    // The report's unit and two more: a second refund would show, where the counter's floor of 0 would hide it.
    await spendInReportMonth(report, 3);

    const responses = await Promise.all(Array.from({ length: 12 }, () => readOverHttp(owner, report.reportId)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    for (const body of bodies) expect(body).toMatchObject({ status: 'failed', errorMessage: lostJobMessage });

    expect(await usedInReportMonth(report)).toBe(2);
    expect(await getReportLock(report)).toBeUndefined();
    // Reads after the settlement change nothing.
    await readOverHttp(owner, report.reportId);
    expect(await usedInReportMonth(report)).toBe(2);
  });
});

describe('undoing a report start', () => {
  const quotaFailure = () => new ApiError('quota_exceeded', 'The quota is used up.');

  test('when the report was already removed, the original error stands and the lock is freed', async () => {
    const tenant = await createTenant();
    const report = await runningReport(tenant.organisationId);
    await dynamo().send(new DeleteCommand({ TableName: tableName(), Key: itemKeys.report(report.reportId) }));
    const failure = quotaFailure();
    const refund = jest.fn(async () => undefined);

    await expect(undoReportStart(report, failure, refund)).rejects.toBe(failure);
    expect(refund).toHaveBeenCalledTimes(1);
    expect(await getReportLock(report)).toBeUndefined();
    expect(await getReport(report.reportId)).toBeUndefined();
  });

  test('when deleting fails outright, the report is failed without a refund and the lock is freed', async () => {
    const tenant = await createTenant();
    const report = await runningReport(tenant.organisationId);
    await spendInReportMonth(report, 2);
    const failure = quotaFailure();
    const unreachable = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'NetworkingError' });
    };

    await expect(undoReportStart(report, failure, undefined, unreachable)).rejects.toBe(failure);
    expect(await getReportLock(report)).toBeUndefined();
    expect(await getReport(report.reportId)).toMatchObject({ status: 'failed', errorMessage: reportNotStartedMessage });
    // Not running, so a read after the job lifetime does not settle it as lost and refund a second time.
    const muchLater = new Date(Date.now() + (reportJobLifetimeSeconds + 60) * 1000);
    expect(await readReport(report.reportId, tenant.organisationId, muchLater)).toMatchObject({ status: 'failed' });
    expect(await usedInReportMonth(report)).toBe(2);
  });

  test('a failing refund does not replace the original error either', async () => {
    const tenant = await createTenant();
    const report = await runningReport(tenant.organisationId);
    const failure = new Error('the queue refused the job');
    const refund = async () => {
      throw new Error('throttled');
    };

    await expect(undoReportStart(report, failure, refund)).rejects.toBe(failure);
    expect(await getReport(report.reportId)).toBeUndefined();
    expect(await getReportLock(report)).toBeUndefined();
  });
});
