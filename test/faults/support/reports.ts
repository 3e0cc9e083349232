/** Report helpers shared by the fault tests: start a report, wait for it, count its model requests per section. */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect } from '@jest/globals';
import type { ReportType } from '../../../functions/domain/reports/report-types.ts';
import { sectionPlans } from '../../../functions/domain/reports/report-types.ts';
import { getReport, listReportSections, type Report } from '../../../functions/stores/report-store.ts';
import { localClientConfig } from '../../../local/aws-local.ts';
import type { RecordedRequest } from '../../../local/bedrock/server.ts';
import type { RunningLocalStack } from '../../../local/local-stack.ts';
import type { Received } from '../../support/report-events-client.ts';
import { bearer, type TestTenant } from '../../support/tenants.ts';
import { waitFor } from './wait.ts';

export interface StartedReport {
  reportId: string;
  jobId: string;
  orgName: string;
  reportType: ReportType;
}

/** A unique orgName per report lets the model requests of this report be told apart from all others. */
export async function startReport(
  stack: RunningLocalStack,
  tenant: TestTenant,
  reportType: ReportType,
  orgName = `Fault ${Math.random().toString(36).slice(2, 10)}`,
): Promise<StartedReport> {
  const response = await fetch(`${stack.baseUrl}/api/ai/strategy/executive-summary/generate`, {
    method: 'POST',
    headers: { ...bearer(tenant), 'content-type': 'application/json' },
    body: JSON.stringify({ orgName, domain: 'fault.example', reportType }),
  });
  expect(response.status).toBe(202);
  const body = (await response.json()) as { reportId: string; jobId: string };
  return { ...body, orgName, reportType };
}

export const progressUrl = (stack: RunningLocalStack, reportId: string) =>
  `${stack.baseUrl}/api/ai/strategy/executive-summary/stream?reportId=${reportId}`;

export const plannedSectionIds = (reportType: ReportType) => sectionPlans[reportType].map((plan) => plan.sectionId);

export function waitForReportToFinish(reportId: string, timeoutMs = 45_000): Promise<Report> {
  return waitFor(
    `report ${reportId} to finish`,
    async () => {
      const report = await getReport(reportId);
      return report && report.status !== 'running' ? report : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** The model requests that generated sections of this report, by section id (all attempts, faulted or not). */
export function sectionRequests(requests: RecordedRequest[], report: StartedReport): Map<string, RecordedRequest[]> {
  const bySection = new Map<string, RecordedRequest[]>(plannedSectionIds(report.reportType).map((id) => [id, []]));
  for (const request of requests) {
    const body = JSON.stringify(request.body);
    if (!body.includes(report.orgName)) continue;
    const plan = sectionPlans[report.reportType].find((candidate) =>
      body.includes(`Write the section \\"${candidate.title}\\"`),
    );
    if (plan) bySection.get(plan.sectionId)?.push(request);
  }
  return bySection;
}

export const requestCounts = (bySection: Map<string, RecordedRequest[]>) =>
  Object.fromEntries([...bySection].map(([sectionId, requests]) => [sectionId, requests.length]));

/** Section ids of the `completed` section events, in arrival order (a repeat would show up twice). */
export const completedSectionEvents = (events: Received[]) =>
  events
    .filter((event) => event.type === 'section.completed' && event.data.status === 'completed')
    .map((event) => String(event.data.sectionId));

/**
 * What "nothing lost, nothing duplicated" means for a finished report: every planned section exists once and is
 * completed, the follower saw each section completed exactly once and then job.completed, and event ids only
 * ever grew (a resumed connection repeated nothing and went back to nothing).
 */
export async function expectCompleteReport(report: StartedReport, events: Received[]): Promise<void> {
  const planned = plannedSectionIds(report.reportType);
  const stored = await getReport(report.reportId);
  expect(stored?.status).toBe('completed');
  const sections = await listReportSections(report.reportId);
  expect(sections.map((section) => section.sectionId)).toEqual(planned);
  expect(sections.every((section) => section.status === 'completed')).toBe(true);
  expect([...completedSectionEvents(events)].sort()).toEqual([...planned].sort());
  expect(events.at(-1)).toMatchObject({ type: 'job.completed', data: { reportId: report.reportId } });
  expect(events.filter((event) => event.type !== 'section.completed')).toHaveLength(1);
  const ids = events.map((event) => event.id);
  expect(ids.every((id, index) => index === 0 || id > (ids[index - 1] as string))).toBe(true);
}

/** Messages on a queue, visible or in flight: 0 on both queues means the job was neither left over nor parked. */
export async function queueDepth(stack: RunningLocalStack, queueUrl: string): Promise<number> {
  const sqs = new SQSClient(localClientConfig(stack.sqsEndpoint));
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    sqs.destroy();
  }
}
