/**
 * Load on the local stack: hundreds of concurrent SSE progress streams and tens of concurrent
 * streaming ICP generations at once, with no errors; event delivery latency and generation latency against an
 * unloaded baseline. Runs in its own process (see support/child-process-module.ts).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '../test/fuzz/prng.ts';
import {
  analyseDelivery,
  type FollowedReport,
  type GenerationRow,
  type RunFacts,
  type Tenant,
  type Write,
} from './load/run-facts.ts';
import {
  deliveryTimeoutMs,
  loadSettings,
  openConcurrency,
  streamsPerTenant,
  warmUpMs,
  writeGapMs,
} from './load/settings.ts';
import { loadTables } from './load/tables.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { countDynamoCalls, type DynamoCounter } from './support/dynamo-calls.ts';
import { startLoadClient } from './support/load-client.ts';
import { reportStreamUrl } from './support/report-stream.ts';
import { createRunningReport, writeCompletedSection } from './support/running-report.ts';
import { startSseClient } from './support/sse-client.ts';
import type { BenchModule, BenchTable } from './support/table.ts';

export const loadTest: BenchModule = {
  name: 'load',
  run: () => runInChildProcess(import.meta.url, 'measureLoad'),
};

type Stores = Awaited<ReturnType<typeof importStores>>;

/** Imported only once the stack has set the environment (as local/start.ts does). */
async function importStores() {
  const [reportStore, dynamo] = await Promise.all([
    import('../functions/stores/report-store.ts'),
    import('../functions/stores/dynamo.ts'),
  ]);
  return { ...reportStore, ...dynamo };
}

export async function measureLoad(): Promise<BenchTable[]> {
  const settings = loadSettings();
  const openFiles = checkOpenFileLimit(settings.sseConnections);
  const startedAt = performance.now();
  let benchStack: BenchStack | undefined;
  let counter: DynamoCounter | undefined;
  const sseClient = startSseClient();
  const icpClient = startLoadClient();
  try {
    benchStack = await startBenchStack({
      tenant: 'Load tenant 0',
      // The platform's capacity is measured, not the per-organisation stream cap: each tenant may hold its share.
      environment: { SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(streamsPerTenant(settings)) },
      localBedrock: { latencyMs: { firstChunkMs: settings.firstChunkMs, perChunkMs: settings.perChunkMs } },
    });
    const { stack, bedrock: localBedrock } = benchStack;
    const stores = await importStores();

    const tenants: Tenant[] = [];
    for (let index = 0; index < settings.tenants; index++) {
      const { organisationId, authorization } =
        index === 0 ? benchStack.tenant : await benchStack.addTenant(`Load tenant ${index}`);
      tenants.push({ organisationId, headers: authorization });
    }
    const reports: FollowedReport[] = [];
    for (let index = 0; index < settings.reports; index++) {
      const tenant = tenants[index % tenants.length] as Tenant;
      reports.push({
        reportId: await createRunningReport(stores, {
          organisationId: tenant.organisationId,
          orgName: 'Load',
          domain: 'load.example',
          what: 'A load report',
        }),
        tenant,
      });
    }

    // Failed calls count as errors (the SSE loops retry them silently); refused conditions are listed, by command.
    counter = countDynamoCalls(stores.dynamo(), (command) => command.replace(/Command$/, ''));
    const calls = counter;

    const icpUrl = new URL('/api/ai/icp', stack.baseUrl);
    const runId = Date.now().toString(36);
    const generationClients = Array.from(
      { length: settings.generations },
      (_, index) => (tenants[index % tenants.length] as Tenant).headers,
    );
    /** One closed-loop generation phase. */
    const generate = async (label: string, clients: Array<Record<string, string>>, warmUp: number, ms: number) => {
      localBedrock.reset();
      const result = await icpClient.run({
        url: icpUrl,
        workload: { kind: 'icp', clients, companyPrefix: `${runId}${label.slice(0, 1)}` },
        warmUpMs: warmUp,
        durationMs: ms,
      });
      return { label, clients: clients.length, result } satisfies GenerationRow;
    };

    // 1. Baselines: one generation at a time, then all of them at once without SSE connections.
    const baselineMs = settings.baselineSeconds * 1000;
    // Twice as long for the single client, which completes one generation at a time.
    const single = await generate('single', generationClients.slice(0, 1), warmUpMs.single, 2 * baselineMs);
    const concurrent = await generate('concurrent', generationClients, warmUpMs.concurrent, baselineMs);

    // 2. Open the SSE connections, spread round-robin over the reports.
    localBedrock.reset();
    const connectionTargets = Array.from({ length: settings.sseConnections }, (_, index) => {
      const report = reports[index % reports.length] as FollowedReport;
      return {
        url: reportStreamUrl(stack.baseUrl, report.reportId),
        reportId: report.reportId,
        ...report.tenant,
      };
    });
    const opened = await sseClient.openMany(connectionTargets, openConcurrency);

    // 3. The loaded window: generations in a closed loop, section writes to every followed report.
    const windowMs = settings.seconds * 1000;
    const windowStart = performance.now() + warmUpMs.concurrent;
    const windowEnd = windowStart + windowMs;
    const writes: Write[] = [];
    const writers = sleep(warmUpMs.concurrent).then(() =>
      Promise.all(reports.map((report, index) => writeSections(stores, report, index + 1, windowEnd, writes))),
    );
    const [loaded] = await Promise.all([generate('loaded', generationClients, warmUpMs.concurrent, windowMs), writers]);
    const lastSectionOfReport: Record<string, string> = {};
    for (const write of writes) lastSectionOfReport[write.reportId] = write.sectionId;
    const missingAtEnd = await sseClient.awaitSections(lastSectionOfReport, deliveryTimeoutMs);
    const { connections } = await sseClient.closeAll();

    const delivery = analyseDelivery(connections, writes, reports);
    const run: RunFacts = {
      settings,
      opened,
      missingAtEnd,
      connections,
      writes,
      delivery,
      single,
      concurrent,
      loaded,
      windowStart,
      windowEnd,
      calls,
      poll: {
        minMs: Number(process.env.SSE_POLL_MIN_MS),
        maxMs: Number(process.env.SSE_POLL_MAX_MS),
        heartbeatMs: Number(process.env.SSE_HEARTBEAT_MS),
      },
      openFiles,
      elapsedMs: performance.now() - startedAt,
    };
    return loadTables(run);
  } finally {
    counter?.uninstall();
    await sseClient.close();
    await icpClient.close();
    await benchStack?.stop();
  }
}

/**
 * Both ends of every SSE connection live in this process (server socket + client socket), next to the stack's
 * own sockets and files: with the common default soft limit of 1024 open files, 500 connections fail with
 * EMFILE half-way. Fail up front with the fix instead. Returns the soft limit (Linux; undefined elsewhere).
 */
function checkOpenFileLimit(connections: number): number | undefined {
  let limit: number | undefined;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((text) => text.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    limit = soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
  const needed = 2 * connections + 300;
  if (limit !== undefined && limit < needed) {
    throw new Error(
      `${connections} SSE connections need about ${needed} open files in this process (client and server ends), ` +
        `but the soft limit is ${limit}. Raise it in the shell first, e.g. \`ulimit -n ${Math.max(4096, needed)}\`, ` +
        'or lower BENCH_LOAD_SSE_CONNECTIONS.',
    );
  }
  return limit;
}

/** What the report worker would do while sections stream: one completed section at a time, until the window ends. */
async function writeSections(
  stores: Stores,
  report: FollowedReport,
  seed: number,
  until: number,
  writes: Write[],
): Promise<void> {
  const random = mulberry32(seed);
  for (let position = 0; ; position++) {
    await sleep(writeGapMs.min + random() * (writeGapMs.max - writeGapMs.min));
    if (performance.now() >= until) return;
    const section = { reportId: report.reportId, sectionId: `load-${position}`, position };
    writes.push({ ...section, ...(await writeCompletedSection(stores, report.tenant.organisationId, section)) });
  }
}
