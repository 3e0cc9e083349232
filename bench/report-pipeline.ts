// The report pipeline on the local stack: how fast a section write reaches an SSE client, and how long a report takes
// when its sections run concurrently against a model of fixed per-section latency. Runs in its own process (see
// child-process-module.ts); what an idle SSE connection reads is measured by the cost model.
import { deliveryTable, measureDelivery } from './report-pipeline/delivery.ts';
import { measureModelLatency, type ReportRun, runReport, wallTable } from './report-pipeline/wall-time.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { recordDynamoCalls } from './support/dynamo-calls.ts';
import { integerFromEnv, runCount } from './support/runs.ts';
import { startSseClient } from './support/sse-client.ts';
import type { BenchModule, BenchTable } from './support/table.ts';
import { startWorkerClient } from './support/worker-client.ts';

export const reportPipeline: BenchModule = {
  name: 'report-pipeline',
  run: () => runInChildProcess(import.meta.url, 'measureReportPipeline'),
};

export async function measureReportPipeline(): Promise<BenchTable[]> {
  const bench = await pipelineBench();
  try {
    const { defaults } = bench;
    // Phase 1: delivery latency at the cdk.json poll bounds, and at faster ones to show what the knob buys.
    const defaultRow = await measureDelivery(bench, defaults);
    const fastRow = await measureDelivery(bench, { minMs: 100, maxMs: 500 });
    bench.setEnvironment({ SSE_POLL_MIN_MS: defaults.minMs, SSE_POLL_MAX_MS: defaults.maxMs });

    // Phase 2: report wall time against L.
    const latencies = await measureModelLatency(bench);
    await runReport(bench, 'quarterly-review', defaults.concurrency); // warm-up: worker path, JIT
    const runs: ReportRun[] = [];
    for (let round = 0; round < bench.settings.reportRuns; round++) {
      runs.push(await runReport(bench, 'quarterly-review', 4));
      runs.push(await runReport(bench, 'executive-summary', 6));
      runs.push(await runReport(bench, 'executive-summary', defaults.concurrency));
    }
    runs.push(await runReport(bench, 'quarterly-review', 1));
    runs.push(await runReport(bench, 'executive-summary', 1));

    return [deliveryTable(bench, defaultRow, fastRow), wallTable(bench, latencies, runs)];
  } finally {
    await bench.stop();
  }
}

/** The stack and what the phases share; the stores are imported only once the stack has set the environment. */
async function pipelineBench() {
  const settings = {
    writes: runCount(20),
    reportRuns: integerFromEnv('BENCH_REPORT_RUNS', 3),
    // The model endpoint's first-chunk and later-chunk delays: by default a section's whole answer arrives after L.
    sectionLatencyMs: integerFromEnv('BENCH_SECTION_LATENCY_MS', 1000),
    perChunkMs: integerFromEnv('BENCH_SECTION_PER_CHUNK_MS', 0, 0),
  };
  const benchStack = await startBenchStack({
    tenant: 'Report pipeline benchmark',
    localBedrock: { latencyMs: { firstChunkMs: settings.sectionLatencyMs, perChunkMs: settings.perChunkMs } },
  });
  const [reportStore, environment, generation, models, dynamo] = await Promise.all([
    import('../functions/stores/report-store.ts'),
    import('../functions/runtime/environment.ts'),
    import('../functions/reports/generate-section.ts'),
    import('../functions/ai/models.ts'),
    import('../functions/stores/dynamo.ts'),
  ]);
  const stores = { ...reportStore, ...environment, ...generation, ...models, ...dynamo };
  const fromEnv = (name: string) => Number(benchStack.stack.functionEnvironment[name]);
  return {
    ...benchStack,
    settings,
    stores,
    sse: startSseClient(),
    http: startWorkerClient(),
    // One recording of the writes for both phases: section and event-log Puts, the report's status update.
    probe: recordDynamoCalls(stores.dynamo(), {
      select: (command) => command === 'PutItemCommand' || command === 'UpdateItemCommand' || undefined,
    }),
    defaults: {
      minMs: fromEnv('SSE_POLL_MIN_MS'),
      maxMs: fromEnv('SSE_POLL_MAX_MS'),
      concurrency: fromEnv('REPORT_SECTION_CONCURRENCY'),
    },
    /** As the local stack does: set the variables, then drop the handlers' parsed copy. */
    setEnvironment(variables: Record<string, number>) {
      for (const [name, value] of Object.entries(variables)) process.env[name] = String(value);
      stores.resetEnvironmentCache();
    },
    async stop() {
      this.probe.uninstall();
      await Promise.all([this.sse.close(), this.http.close()]);
      await benchStack.stop();
    },
  };
}

export type Bench = Awaited<ReturnType<typeof pipelineBench>>;
