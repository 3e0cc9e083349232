/**
 * The report pipeline on the local stack: how fast a section write reaches an SSE client, and how long a report
 * takes when its sections are generated concurrently against a model of fixed per-section latency. What an idle
 * SSE connection reads is measured once, by the cost model. Runs in its own process (see child-process-module.ts).
 */

import { type DeliveryRow, deliveryTable, measureDelivery } from './report-pipeline/delivery.ts';
import { type Bench, importStores, isPipelineWrite, setEnvironment } from './report-pipeline/pipeline-bench.ts';
import { measureModelLatency, type ReportRun, runReport } from './report-pipeline/report-runs.ts';
import { fastPollBounds, readSettings, type Settings } from './report-pipeline/settings.ts';
import { wallTable } from './report-pipeline/wall-tables.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { type DynamoRecorder, recordDynamoCalls } from './support/dynamo-calls.ts';
import { startSseClient } from './support/sse-client.ts';
import type { BenchModule, BenchTable } from './support/table.ts';
import { startWorkerClient } from './support/worker-client.ts';

export const reportPipeline: BenchModule = {
  name: 'report-pipeline',
  run: () => runInChildProcess(import.meta.url, 'measureReportPipeline'),
};

export async function measureReportPipeline(): Promise<BenchTable[]> {
  const settings: Settings = readSettings();
  let benchStack: BenchStack | undefined;
  let probe: DynamoRecorder<true> | undefined;
  const sse = startSseClient();
  const http = startWorkerClient();
  try {
    // By default every section's model call answers after L and all its chunks then arrive at once (see the notes).
    benchStack = await startBenchStack({
      tenant: 'Report pipeline benchmark',
      localBedrock: { latencyMs: { firstChunkMs: settings.sectionLatencyMs, perChunkMs: settings.perChunkMs } },
    });
    const { stack, tenant, dynamoWarmUp } = benchStack;
    const stores = await importStores();
    probe = recordDynamoCalls(stores.dynamo(), {
      select: (command, input) => isPipelineWrite(command, input) || undefined,
    });
    const bench: Bench = {
      stack,
      stores,
      organisationId: tenant.organisationId,
      authorization: tenant.authorization,
      probe,
      sse,
      http,
      defaults: {
        minMs: Number(process.env.SSE_POLL_MIN_MS),
        maxMs: Number(process.env.SSE_POLL_MAX_MS),
        heartbeatMs: Number(process.env.SSE_HEARTBEAT_MS),
        concurrency: Number(process.env.REPORT_SECTION_CONCURRENCY),
      },
      sectionTimeoutMs: settings.sectionLatencyMs + 500 * settings.perChunkMs,
    };

    // Phase 1: delivery latency at the cdk.json poll bounds and at faster ones.
    const deliveryRows: DeliveryRow[] = [];
    for (const bounds of [bench.defaults, fastPollBounds]) {
      deliveryRows.push(await measureDelivery(bench, bounds, settings.writes));
    }
    setEnvironment(bench, { SSE_POLL_MIN_MS: bench.defaults.minMs, SSE_POLL_MAX_MS: bench.defaults.maxMs });

    // Phase 2: report wall time against L.
    const latencies = await measureModelLatency(bench);
    await runReport(bench, 'quarterly-review', bench.defaults.concurrency); // warm-up: worker path, JIT
    const runs: ReportRun[] = [];
    for (let round = 0; round < settings.reportRuns; round++) {
      runs.push(await runReport(bench, 'quarterly-review', 4));
      runs.push(await runReport(bench, 'executive-summary', 6));
      runs.push(await runReport(bench, 'executive-summary', bench.defaults.concurrency));
    }
    runs.push(await runReport(bench, 'quarterly-review', 1));
    runs.push(await runReport(bench, 'executive-summary', 1));
    setEnvironment(bench, { REPORT_SECTION_CONCURRENCY: bench.defaults.concurrency });

    return [
      deliveryTable(settings, deliveryRows, dynamoWarmUp),
      wallTable(settings, latencies, runs, bench.defaults.concurrency),
    ];
  } finally {
    probe?.uninstall();
    await sse.close();
    await http.close();
    await benchStack?.stop();
  }
}
