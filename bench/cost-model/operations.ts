/**
 * The operations the cost model counts, each made through the API as a client would make it while the stack's
 * handlers are metered: ICP requests, reports followed to job.completed, an idle SSE connection.
 */
import { randomUUID } from 'node:crypto';
import type { RunningLocalStack } from '../../local/local-stack.ts';
import type { LambdaMeter } from '../support/lambda-meter.ts';
import { followReportToEnd, holdIdleConnection, reportStreamUrl, startReport } from '../support/report-stream.ts';
import { icpProblem, mustPass } from '../support/response-checks.ts';
import { createRunningReport } from '../support/running-report.ts';
import type { SqsRequest } from '../support/sqs-requests.ts';
import type { SseClient } from '../support/sse-client.ts';
import type { WorkerClient } from '../support/worker-client.ts';
import type { CapacityCall } from './request-units.ts';
import { operations, reportType } from './settings.ts';

export type Stores = Awaited<ReturnType<typeof importStores>>;

/** Imported after startLocalStack has set the environment (as local/start.ts does). */
export async function importStores() {
  const [dynamo, reportStore, icp, reportTypes, sse] = await Promise.all([
    import('../../functions/stores/dynamo.ts'),
    import('../../functions/stores/report-store.ts'),
    import('../../functions/domain/strategy/icp.ts'),
    import('../../functions/domain/reports/report-types.ts'),
    import('../../functions/domain/reports/sse.ts'),
  ]);
  return { ...dynamo, ...reportStore, ...icp, ...reportTypes, ...sse };
}

export interface Bench {
  stack: RunningLocalStack;
  stores: Stores;
  meter: LambdaMeter;
  calls: readonly CapacityCall[];
  sqs: SqsRequest[];
  http: WorkerClient;
  sse: SseClient;
  organisationId: string;
  issueKey(label: string): Promise<Authorization>;
  /** Model pacing: 0 = instant; otherwise every model answer is streamed over this many ms. */
  pace: { totalMs: number };
}

export interface ReportRun {
  /** SSE events the client received (section.completed partials and completions, then job.completed). */
  events: number;
}

export interface IdleRun {
  windowMs: number;
  /** First event-log Query of the connection: the window starts here. */
  from: number;
}

export type Authorization = Record<string, string>;

const url = (bench: Bench, path: string) => new URL(path, bench.stack.baseUrl);

export async function postIcp(
  bench: Bench,
  authorization: Authorization,
  company: string,
  expected: 'hit' | 'miss',
): Promise<void> {
  const response = await bench.http.post(url(bench, '/api/ai/icp'), { company }, authorization);
  mustPass(response, `ICP ${company}`, icpProblem(response, expected));
  // The handler's promise settles just after the client has read the end of the body.
  await bench.meter.settle(20);
}

export async function runReport(bench: Bench, authorization: Authorization): Promise<ReportRun> {
  const tag = randomUUID();
  const { reportId } = await startReport(bench.http, bench.stack.baseUrl, authorization, {
    orgName: `Cost ${tag}`,
    domain: 'bench.example',
    reportType,
    filterFingerprint: tag,
  });
  const { events } = await followReportToEnd(bench.sse, bench.stack.baseUrl, authorization, {
    reportId,
    sections: bench.stores.sectionPlans[reportType].length,
    timeoutMs: 120_000 + 4 * bench.pace.totalMs,
  });
  // The worker's lock release and the poller's DeleteMessageBatch come after job.completed.
  await bench.meter.settle(500);
  return { events: events.length };
}

export async function measureIdleConnection(bench: Bench, windowMs: number): Promise<IdleRun> {
  // Written by the benchmark itself (outside any metered invocation, so not counted): a report that stays running.
  const reportId = await createRunningReport(bench.stores, {
    organisationId: bench.organisationId,
    orgName: 'Idle',
    domain: 'bench.example',
    what: 'The idle report',
  });
  const authorization = await bench.issueKey('cost-model-idle');
  // The report's INSERT reaches the projector (which writes nothing for it) before the connection is counted.
  await bench.meter.settle(500);
  bench.meter.operation = operations.sseIdle;
  const from = await holdIdleConnection(bench.sse, reportStreamUrl(bench.stack.baseUrl, reportId), authorization, {
    windowMs,
    firstQueryStart: () =>
      bench.calls.find((call) => call.tag.operation === operations.sseIdle && call.command === 'QueryCommand')?.start,
  });
  await bench.meter.settle(300);
  bench.meter.operation = 'setup';
  await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
  return { windowMs, from };
}
