/**
 * Cost model: dollars per 1,000 ICPs and per report, excluding model tokens, derived from
 * request counts measured on the local stack. Every Lambda invocation is metered by wrapping the three handlers
 * (support/lambda-meter.ts), every DynamoDB call of the handlers' shared client is recorded with the capacity
 * DynamoDB Local reports (cost-model/request-units.ts), and the SQS stand-in's requests are counted
 * (support/sqs-requests.ts). Model time, which the instant offline model hides, is an explicit assumption.
 * Runs in its own process (see support/child-process-module.ts).
 */
import { randomUUID } from 'node:crypto';
import { buildTables } from './cost-model/build-tables.ts';
import { type Bench, importStores, measureIdleConnection, postIcp, runReport } from './cost-model/operations.ts';
import { recordDynamoCapacity } from './cost-model/request-units.ts';
import { operations, readSettings } from './cost-model/settings.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { LambdaMeter } from './support/lambda-meter.ts';
import { pacedOfflineGenerator } from './support/paced-generator.ts';
import { countSqsRequests } from './support/sqs-requests.ts';
import { startSseClient } from './support/sse-client.ts';
import type { BenchModule, BenchTable } from './support/table.ts';
import { benchPartners, createPartner, getOrganisation } from './support/tenant-data.ts';
import { startWorkerClient } from './support/worker-client.ts';

export const costModel: BenchModule = {
  name: 'cost-model',
  run: () => runInChildProcess(import.meta.url, 'measureCostModel'),
};

export async function measureCostModel(): Promise<BenchTable[]> {
  const settings = readSettings();
  const meter = new LambdaMeter();
  const pace = { totalMs: 0 };
  let benchStack: BenchStack | undefined;
  const cleanup: Array<() => unknown> = [];
  try {
    benchStack = await startBenchStack({
      tenant: 'Cost model benchmark',
      localBedrock: { generator: pacedOfflineGenerator(() => pace) },
      handlers: meter.handlers(),
    });
    const { stack, tenant, issueKey } = benchStack;
    await meter.load();
    const stores = await importStores();
    const capacity = recordDynamoCapacity(stores.dynamo(), () => meter.scope());
    cleanup.push(capacity.uninstall);
    const sqs = countSqsRequests(stack.sqsEndpoint, () => meter.operation);
    cleanup.push(sqs.uninstall);
    const http = startWorkerClient();
    cleanup.push(() => http.close());
    const sse = startSseClient();
    cleanup.push(() => sse.close());

    const bench: Bench = {
      stack,
      stores,
      meter,
      calls: capacity.calls,
      sqs: sqs.requests,
      http,
      sse,
      organisationId: tenant.organisationId,
      pace,
      issueKey: (label) => issueKey(tenant.organisationId, label),
    };
    const mainKey = tenant.authorization;
    for (const partner of benchPartners) {
      await createPartner(stack.baseUrl, mainKey, partner);
      await meter.settle(0);
    }

    // Warm-up (not counted): JIT, SDK clients, sockets, the worker and projector paths.
    meter.operation = 'warm-up';
    for (let index = 0; index < 5; index++) await postIcp(bench, mainKey, `warm-up-${index}.example.com`, 'miss');
    await postIcp(bench, mainKey, 'warm-up-0.example.com', 'hit');
    await runReport(bench, mainKey);

    // 1. ICP cache misses: a fresh key makes the first request pay the credential lookup.
    const icpKey = await bench.issueKey('cost-model-icp');
    const run = randomUUID().slice(0, 8);
    const company = (index: number) => `cost-${run}-${index}.example.com`;
    meter.operation = operations.icpCold;
    await postIcp(bench, icpKey, company(0), 'miss');
    meter.operation = operations.icpMiss;
    for (let index = 1; index <= settings.icpRuns; index++) await postIcp(bench, icpKey, company(index), 'miss');

    // 2. ICP cache hits on the same companies, credentials refreshed first (they are remembered for 30 s).
    meter.operation = 'warm-up';
    await getOrganisation(stack.baseUrl, icpKey);
    await meter.settle(0);
    meter.operation = operations.icpHit;
    for (let index = 1; index <= settings.icpRuns; index++) await postIcp(bench, icpKey, company(index), 'hit');

    // 3. One report end to end with one SSE client: instantly, then with every section streamed over its
    // assumed model time (partial writes, SSE polls and the connection's length depend on it).
    meter.operation = operations.reportInstant;
    const instant = await runReport(bench, mainKey);
    meter.operation = operations.reportPaced;
    pace.totalMs = settings.sectionModelSeconds * 1000;
    const paced = await runReport(bench, mainKey).finally(() => {
      pace.totalMs = 0;
    });

    // 4. An idle SSE connection, with cold credentials as after a reconnect.
    meter.operation = 'setup';
    const idle = await measureIdleConnection(bench, settings.idleSeconds * 1000);

    return buildTables(bench, settings, { instant, paced, idle });
  } finally {
    for (const step of cleanup.reverse()) await step();
    await benchStack?.stop();
  }
}
