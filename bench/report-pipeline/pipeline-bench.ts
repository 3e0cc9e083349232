// What the report pipeline's phases share: the stack, its settings, the stores and clients, one recording of writes.
import { startBenchStack } from '../support/bench-stack.ts';
import { recordDynamoCalls } from '../support/dynamo-calls.ts';
import { integerFromEnv, runCount } from '../support/runs.ts';
import { startSseClient } from '../support/sse-client.ts';
import { startWorkerClient } from '../support/worker-client.ts';

/** The stack and what the phases share; the stores are imported only once the stack has set the environment. */
export async function pipelineBench() {
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
    import('../../functions/stores/report-store.ts'),
    import('../../functions/runtime/environment.ts'),
    import('../../functions/reports/generate-section.ts'),
    import('../../functions/ai/models.ts'),
    import('../../functions/stores/dynamo.ts'),
  ]).catch(async (error: unknown) => {
    await benchStack.stop();
    throw error;
  });
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
