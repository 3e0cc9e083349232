/** A running report written straight to the store, standing in for one the report worker is generating. */
import { randomUUID } from 'node:crypto';
import type { createReportUnlessRunning, putReportSection } from '../../functions/stores/report-store.ts';

/** Creates a running executive-summary report an SSE stream can follow; `what` names it in the error. */
export async function createRunningReport(
  stores: { createReportUnlessRunning: typeof createReportUnlessRunning },
  { organisationId, orgName, domain, what }: { organisationId: string; orgName: string; domain: string; what: string },
): Promise<string> {
  const reportId = randomUUID();
  const now = new Date().toISOString();
  const outcome = await stores.createReportUnlessRunning(
    {
      reportId,
      jobId: randomUUID(),
      organisationId,
      reportType: 'executive-summary',
      orgName,
      domain,
      filters: {},
      // Unique, so the in-flight lock never hands back another report.
      filterFingerprint: randomUUID().replaceAll('-', ''),
      status: 'running',
      createdAt: now,
      updatedAt: now,
    },
    Math.floor(Date.now() / 1000) + 600,
  );
  if (!outcome.created) throw new Error(`${what} unexpectedly joined a running one`);
  return reportId;
}

/** Writes one completed section as the worker does; returns when the write started and resolved. */
export async function writeCompletedSection(
  stores: { putReportSection: typeof putReportSection },
  organisationId: string,
  section: { reportId: string; sectionId: string; position: number },
): Promise<{ startedAt: number; writtenAt: number }> {
  const { sectionId } = section;
  const startedAt = performance.now();
  await stores.putReportSection(organisationId, {
    ...section,
    status: 'completed',
    payload: { title: sectionId, summary: `About ${sectionId}.`, highlights: ['one'], metrics: [] },
    generatedAt: new Date().toISOString(),
  });
  return { startedAt, writtenAt: performance.now() };
}
