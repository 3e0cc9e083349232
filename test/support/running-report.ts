import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { createReportUnlessRunning } from '../../functions/stores/report-store.ts';
import type { TestTenant } from './tenants.ts';

/** A running report written with the store, without a job behind it: the test decides what happens to it. */
export async function createRunningReport(tenant: TestTenant, createdAt = new Date().toISOString()): Promise<string> {
  const reportId = randomUUID();
  const result = await createReportUnlessRunning(
    {
      reportId,
      jobId: randomUUID(),
      organisationId: tenant.organisationId,
      reportType: 'executive-summary',
      orgName: 'Acme',
      domain: 'acme.example',
      filters: {},
      // Unique per report, so the in-flight lock never returns another test's report.
      filterFingerprint: randomUUID().replaceAll('-', ''),
      status: 'running',
      createdAt,
      updatedAt: createdAt,
    },
    Math.floor(Date.now() / 1000) + 600,
  );
  expect(result.created).toBe(true);
  return reportId;
}
