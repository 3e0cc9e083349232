// The report pipeline on the local stack: how fast a section write reaches an SSE client, and how long a report takes
// when its sections run concurrently against a model of fixed per-section latency. Runs in its own process (see
// child-process-module.ts); what an idle SSE connection reads is measured by the cost model.
import { deliveryTable, measureDelivery } from './report-pipeline/delivery.ts';
import { pipelineBench } from './report-pipeline/pipeline-bench.ts';
import { measureModelLatency, type ReportRun, runReport, wallTable } from './report-pipeline/wall-time.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import type { BenchModule, BenchTable } from './support/table.ts';

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
