/** Cost model: what each operation uses on the local stack, in dollars excluding model tokens (bench/README.md). */
import { measureIdleConnection, postIcp, runReport, startMeteredStack } from './cost-model/operations.ts';
import { operations, readSettings } from './cost-model/settings.ts';
import { buildTables } from './cost-model/tables.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import type { BenchModule, BenchTable } from './support/table.ts';
import { benchPartners, createPartner, getOrganisation } from './support/tenant-data.ts';

export const costModel: BenchModule = {
  name: 'cost-model',
  // Its own process: the handlers keep process-wide clients (see support/child-process-module.ts).
  run: () => runInChildProcess(import.meta.url, 'measureCostModel'),
};

export async function measureCostModel(): Promise<BenchTable[]> {
  const settings = readSettings();
  const cleanup: Array<() => unknown> = [];
  try {
    const bench = await startMeteredStack(cleanup);
    const { stack, tenant, meter, pace } = bench;
    const mainKey = tenant.authorization;
    for (const partner of benchPartners) await createPartner(stack.baseUrl, mainKey, partner);
    await meter.settle(0);

    // Warm-up (not counted): JIT, SDK clients, sockets, the worker and projector paths.
    meter.operation = 'warm-up';
    for (let index = 0; index < 5; index++) await postIcp(bench, mainKey, `warm-up-${index}.example.com`, 'miss');
    await postIcp(bench, mainKey, 'warm-up-0.example.com', 'hit');
    await runReport(bench, mainKey);

    // 1. ICP cache misses: a fresh key makes the first request pay the credential lookup.
    const icpKey = await bench.issueKey(tenant.organisationId, 'cost-model-icp');
    const company = (index: number) => `cost-${tenant.organisationId.slice(0, 8)}-${index}.example.com`;
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

    // 3. One report with one SSE client, instantly, then with every section streamed over its assumed model time
    // (partial writes, SSE polls and the connection's length depend on it).
    meter.operation = operations.reportInstant;
    const instantEvents = await runReport(bench, mainKey);
    meter.operation = operations.reportPaced;
    pace.totalMs = settings.sectionModelSeconds * 1000;
    const pacedEvents = await runReport(bench, mainKey);

    // 4. An idle SSE connection, with cold credentials as after a reconnect.
    meter.operation = 'setup';
    const idleFrom = await measureIdleConnection(bench, settings.idleSeconds * 1000);

    return buildTables(bench, { ...settings, instantEvents, pacedEvents, idleFrom });
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}
