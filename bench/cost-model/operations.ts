/** The metered bench stack, and the operations the cost model counts, each made through the API as a client would. */
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { recordDynamoCalls } from '../support/dynamo-calls.ts';
import { LambdaMeter } from '../support/lambda-meter.ts';
import { pacedOfflineGenerator } from '../support/paced-generator.ts';
import { followReportToEnd, holdIdleConnection, reportStreamUrl, startReport } from '../support/report-stream.ts';
import { icpProblem, mustPass } from '../support/response-checks.ts';
import { createRunningReport } from '../support/running-report.ts';
import { startSseClient } from '../support/sse-client.ts';
import { startWorkerClient } from '../support/worker-client.ts';
import { operations, reportType } from './settings.ts';

export type Bench = Awaited<ReturnType<typeof startMeteredStack>>;
type Authorization = Record<string, string>;

/** A bench stack with metered handlers, DynamoDB calls and SQS requests; the steps that stop it go to `cleanup`. */
export async function startMeteredStack(cleanup: Array<() => unknown>) {
  const meter = new LambdaMeter();
  // Model pacing: 0 = instant; otherwise every model answer is streamed over this many ms.
  const pace = { totalMs: 0 };
  const benchStack = await startBenchStack({
    tenant: 'Cost model benchmark',
    localBedrock: { generator: pacedOfflineGenerator(() => pace) },
    handlers: meter.handlers(),
  });
  cleanup.push(benchStack.stop);
  // Imported only now: the stores read the environment the stack has just set (as local/start.ts does).
  const { dynamo } = await import('../../functions/stores/dynamo.ts');
  const stores = await import('../../functions/stores/report-store.ts');
  const dynamoCalls = recordDynamoCalls(dynamo(), { select: () => meter.scope.getStore(), capacity: () => 'INDEXES' });
  // SQS requests as the local SQS stand-in (a node:http server in this process) receives them: the handlers' SQS
  // client stays private. The SDK speaks the JSON protocol, whose x-amz-target header names the action.
  const sqs: Array<{ target: string; operation: string; start: number }> = [];
  const onRequest = (message: unknown) => {
    const target = String((message as { request: IncomingMessage }).request.headers['x-amz-target']);
    if (target.startsWith('AmazonSQS.')) sqs.push({ target, operation: meter.operation, start: performance.now() });
  };
  subscribe('http.server.request.start', onRequest);
  const [http, sse] = [startWorkerClient(), startSseClient()];
  cleanup.push(dynamoCalls.uninstall, () => unsubscribe('http.server.request.start', onRequest));
  for (const client of [http, sse]) cleanup.push(() => client.close());
  return { ...benchStack, stores, meter, pace, calls: dynamoCalls.calls, sqs, http, sse };
}

export async function postIcp(bench: Bench, authorization: Authorization, company: string, expected: 'hit' | 'miss') {
  const response = await bench.http.post(new URL('/api/ai/icp', bench.stack.baseUrl), { company }, authorization);
  mustPass(response, `ICP ${company}`, icpProblem(response, expected));
  // The handler's promise settles just after the client has read the end of the body.
  await bench.meter.settle(20);
}

/** One report followed over SSE to job.completed; resolves with the number of SSE events the client received. */
export async function runReport(bench: Bench, authorization: Authorization): Promise<number> {
  const tag = randomUUID();
  const body = { orgName: `Cost ${tag}`, domain: 'bench.example', reportType, filterFingerprint: tag };
  const { reportId } = await startReport(bench.http, bench.stack.baseUrl, authorization, body);
  const report = { reportId, sections: sectionPlans[reportType].length, timeoutMs: 120_000 + 4 * bench.pace.totalMs };
  const { events } = await followReportToEnd(bench.sse, bench.stack.baseUrl, authorization, report);
  // The worker's lock release and the poller's DeleteMessageBatch come after job.completed.
  await bench.meter.settle(500);
  return events.length;
}

/** Holds an idle SSE connection for `windowMs` from its first poll; resolves with that poll's start. */
export async function measureIdleConnection(bench: Bench, windowMs: number): Promise<number> {
  // Written by the benchmark itself (outside any metered invocation, so not counted): a report that stays running.
  const { organisationId } = bench.tenant;
  const idleReport = { organisationId, orgName: 'Idle', domain: 'bench.example', what: 'The idle report' };
  const reportId = await createRunningReport(bench.stores, idleReport);
  // A fresh key: the connection pays the credential reads, as after a reconnect.
  const authorization = await bench.issueKey(organisationId, 'cost-model-idle');
  // The report's INSERT reaches the projector (which writes nothing for it) before the connection is counted.
  await bench.meter.settle(500);
  bench.meter.operation = operations.sseIdle;
  const firstQueryStart = () =>
    bench.calls.find((call) => call.tag.operation === operations.sseIdle && call.command === 'QueryCommand')?.start;
  const url = reportStreamUrl(bench.stack.baseUrl, reportId);
  const from = await holdIdleConnection(bench.sse, url, authorization, { windowMs, firstQueryStart });
  await bench.meter.settle(300);
  bench.meter.operation = 'setup';
  await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
  return from;
}
