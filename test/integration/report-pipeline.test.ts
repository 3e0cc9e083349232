/**
 * The report pipeline on the local stack: generate (202, in-flight dedup, quota), the SQS-driven worker with
 * the offline model through the local Bedrock endpoint, idempotent sections across redelivery, the failure
 * path to a failed report and the dead-letter queue.
 */

import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, test } from '@jest/globals';
import { sectionPayloadSchema, sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { lostJobMessage, reportJobLifetimeSeconds } from '../../functions/reports/report-deadline.ts';
import {
  createReportUnlessRunning,
  getReport,
  getReportLock,
  listReportSections,
} from '../../functions/stores/report-store.ts';
import { reportQueue } from '../../lib/definitions/queues.ts';
import { quotaUsed } from '../faults/support/api.ts';
import { useLocalStack } from '../support/local-stack-fixture.ts';
import { postJsonTo } from '../support/object-stream.ts';
import { collectReportEvents } from '../support/report-events-client.ts';
import { bearer, createTenant, type TestTenant } from '../support/tenants.ts';

const local = useLocalStack({ reportQueueVisibilityTimeoutSeconds: 1, localBedrock: { latencyMs: { perChunkMs: 2 } } });
const post = postJsonTo(() => local.stack.baseUrl);

const generate = (tenant: TestTenant, body: Record<string, unknown> = {}) =>
  post('/api/ai/strategy/executive-summary/generate', bearer(tenant), {
    orgName: 'Acme',
    domain: 'acme.example',
    reportType: 'executive-summary',
    ...body,
  });

async function waitForFinish(reportId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await getReport(reportId);
    if (report && report.status !== 'running') return report;
    if (Date.now() > deadline) throw new Error(`report ${reportId} still running`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Model requests for sections of reports of one type (every section prompt starts "Report: <type> for"). */
const sectionRequests = (reportType: string) =>
  (local.stack.localBedrock?.requests ?? []).filter((request) =>
    JSON.stringify(request.body).includes(`Report: ${reportType} for`),
  );

describe('report generation', () => {
  test('202 with a job; the worker writes every planned section and completes the report', async () => {
    const tenant = await createTenant();
    await post('/api/partners', bearer(tenant), { name: 'Globex', type: 'reseller', tier: 'gold', revenue: 120000 });
    const response = await generate(tenant);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { reportId: string; jobId: string; status: string };
    expect(body).toEqual({ reportId: expect.any(String), jobId: expect.any(String), status: 'running' });

    const report = await waitForFinish(body.reportId);
    expect(report.status).toBe('completed');
    const sections = await listReportSections(body.reportId);
    expect(sections.map((section) => section.sectionId)).toEqual(
      sectionPlans['executive-summary'].map((plan) => plan.sectionId),
    );
    for (const section of sections) {
      expect(section.status).toBe('completed');
      sectionPayloadSchema.parse(section.payload);
    }
    expect(JSON.stringify(sectionRequests('executive-summary').at(-1)?.body)).toContain('Globex');
    // The lock is deleted, not left behind marked released; the completed report keeps its charge.
    expect(await getReportLock(report)).toBeUndefined();
    expect(await quotaUsed(local.stack, tenant)).toBe(1);
  });

  test('20 concurrent identical requests create exactly one job and charge once', async () => {
    const tenant = await createTenant();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => generate(tenant, { reportType: 'quarterly-review' })),
    );
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{
      reportId: string;
      jobId: string | null;
      inFlight?: boolean;
    }>;
    expect(responses.every((response) => response.status === 202)).toBe(true);
    const started = bodies.filter((body) => body.jobId !== null);
    expect(started).toHaveLength(1);
    expect(new Set(bodies.map((body) => body.reportId)).size).toBe(1);
    expect(bodies.filter((body) => body.inFlight === true)).toHaveLength(19);
    const usage = await (await fetch(`${local.stack.baseUrl}/api/organisation`, { headers: bearer(tenant) })).json();
    expect(usage).toMatchObject({ quota: { used: 1 } });

    // Once it finishes, the lock is released and the same request starts a new job.
    await waitForFinish(started[0]?.reportId ?? '');
    const again = (await (await generate(tenant, { reportType: 'quarterly-review' })).json()) as {
      reportId: string;
      jobId: string;
    };
    expect(again.jobId).not.toBeNull();
    // Different filters are a different job.
    const filtered = (await (await generate(tenant, { filters: { tier: 'gold' } })).json()) as {
      reportId: string;
      jobId: string;
    };
    expect(filtered.jobId).not.toBeNull();
    await Promise.all([waitForFinish(again.reportId), waitForFinish(filtered.reportId)]);
  });

  test('a failure mid-report is retried: no section lost, none generated twice', async () => {
    const tenant = await createTenant();
    const before = sectionRequests('annual-review').length;
    local.stack.localBedrock?.failNext({ kind: 'mid-stream', count: 1, afterChunks: 2 });
    const { reportId } = (await (await generate(tenant, { reportType: 'annual-review' })).json()) as {
      reportId: string;
    };
    const report = await waitForFinish(reportId);
    expect(report.status).toBe('completed');
    const sections = await listReportSections(reportId);
    const planned = sectionPlans['annual-review'].map((plan) => plan.sectionId);
    expect(sections.map((section) => section.sectionId)).toEqual(planned);
    expect(sections.every((section) => section.status === 'completed')).toBe(true);
    // One extra model call: only the failed section was generated again.
    expect(sectionRequests('annual-review').length - before).toBe(planned.length + 1);
  });

  test('after the last retry the report is failed with a reason and the message is in the DLQ', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1000 });
    const { reportId, jobId } = (await (await generate(tenant, { reportType: 'quarterly-review' })).json()) as {
      reportId: string;
      jobId: string;
    };
    const report = await waitForFinish(reportId, 60_000);
    local.stack.localBedrock?.reset();
    expect(report.status).toBe('failed');
    // The model's own reason, not the SDK's generic "no output generated".
    expect(report.errorMessage).toMatch(/^AI_APICallError: .+/);
    // The model failed, not the caller: the unit comes back, and no lock is left.
    expect(await quotaUsed(local.stack, tenant)).toBe(0);
    expect(await getReportLock(report)).toBeUndefined();

    const sqs = new SQSClient({ endpoint: local.stack.sqsEndpoint });
    let parked: string | undefined;
    for (let attempt = 0; attempt < 50 && !parked; attempt++) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: local.stack.deadLetterQueueUrl,
          WaitTimeSeconds: 0,
          MaxNumberOfMessages: 10,
        }),
      );
      parked = received.Messages?.map((message) => message.Body ?? '').find((body) => body.includes(jobId));
      if (!parked) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sqs.destroy();
    expect(parked).toBeDefined();
    expect(reportQueue.maxReceiveCount).toBeGreaterThan(1);
  });

  test('bad input is 400; an exhausted quota is 402 and leaves no report or lock behind', async () => {
    const tenant = await createTenant({ monthlyQuota: 0 });
    const invalid = await generate(tenant, { reportType: 'weekly' });
    expect(invalid.status).toBe(400);
    const refused = await generate(tenant);
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ code: 'quota_exceeded' });
    const reports = await (await fetch(`${local.stack.baseUrl}/api/reports`, { headers: bearer(tenant) })).json();
    expect(reports).toEqual({ reports: [] });
  });
});

describe('report progress end to end (worker → stream → projector → SSE → EventSource)', () => {
  const follow = (tenant: TestTenant, reportId: string) =>
    collectReportEvents(
      `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}`,
      bearer(tenant),
    );

  test('a client sees each section completed exactly once, then job.completed; a late client sees the same', async () => {
    const tenant = await createTenant();
    const { reportId } = (await (await generate(tenant)).json()) as { reportId: string };
    const live = await follow(tenant, reportId);
    const completedSections = live
      .filter((event) => event.type === 'section.completed' && event.data.status === 'completed')
      .map((event) => event.data.sectionId);
    expect([...completedSections].sort()).toEqual(
      sectionPlans['executive-summary'].map((plan) => plan.sectionId).sort(),
    );
    expect(live.at(-1)).toMatchObject({ type: 'job.completed', data: { reportId } });
    const ids = live.map((event) => event.id);
    expect([...ids].sort()).toEqual(ids);

    const late = await follow(tenant, reportId);
    expect(late).toEqual(live);
  });

  test('a redelivered job shows no section twice and none missing', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'mid-stream', count: 1, afterChunks: 2 });
    const { reportId } = (await (await generate(tenant, { reportType: 'quarterly-review' })).json()) as {
      reportId: string;
    };
    const events = await follow(tenant, reportId);
    const completed = events
      .filter((event) => event.type === 'section.completed' && event.data.status === 'completed')
      .map((event) => event.data.sectionId);
    expect([...completed].sort()).toEqual(sectionPlans['quarterly-review'].map((plan) => plan.sectionId).sort());
    expect(events.at(-1)?.type).toBe('job.completed');
  });

  test('a report that fails for good ends the stream with job.failed and the reason', async () => {
    const tenant = await createTenant();
    local.stack.localBedrock?.failNext({ kind: 'validation', count: 1000 });
    const { reportId } = (await (await generate(tenant, { reportType: 'quarterly-review' })).json()) as {
      reportId: string;
    };
    const events = await follow(tenant, reportId);
    local.stack.localBedrock?.reset();
    expect(events.at(-1)).toMatchObject({ type: 'job.failed', data: { reportId, errorMessage: expect.any(String) } });
    expect((await getReport(reportId))?.errorMessage).toBe(events.at(-1)?.data.errorMessage);
  });
});

describe('a job lost on its final delivery', () => {
  test('the first reader after the job lifetime fails the report and SSE clients get job.failed', async () => {
    const tenant = await createTenant();
    const createdAt = new Date(Date.now() - (reportJobLifetimeSeconds + 60) * 1000).toISOString();
    const report = {
      reportId: randomUUID(),
      jobId: randomUUID(),
      organisationId: tenant.organisationId,
      reportType: 'quarterly-review' as const,
      orgName: 'Acme',
      domain: 'acme.example',
      filters: {},
      filterFingerprint: 'lost-job',
      status: 'running' as const,
      createdAt,
      updatedAt: createdAt,
    };
    await createReportUnlessRunning(report, Math.floor(Date.parse(createdAt) / 1000) + reportJobLifetimeSeconds);

    const read = await fetch(`${local.stack.baseUrl}/api/reports/${report.reportId}`, { headers: bearer(tenant) });
    expect(await read.json()).toMatchObject({ status: 'failed', errorMessage: lostJobMessage });
    const events = await collectReportEvents(
      `${local.stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${report.reportId}`,
      bearer(tenant),
    );
    expect(events.at(-1)).toMatchObject({ type: 'job.failed', data: { errorMessage: lostJobMessage } });
  });
});
