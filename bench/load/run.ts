// One load run: the baselines, the SSE connections opened, then the loaded window with section writes; the targets and
// fixed parameters the run follows and the tables quote.
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '../../test/fuzz/prng.ts';
import type { BenchStack, BenchTenant } from '../support/bench-stack.ts';
import { recordDynamoCalls } from '../support/dynamo-calls.ts';
import type { LoadClient } from '../support/load-client.ts';
import { reportStreamUrl } from '../support/report-stream.ts';
import { createRunningReport, writeCompletedSection } from '../support/running-report.ts';
import { integerFromEnv } from '../support/runs.ts';
import type { SseClient } from '../support/sse-client.ts';

/** The capacity the local stack must show: every connection and generation served, events within a second. */
export const targets = { sseConnections: 500, generations: 50, eventLatencyMedianMs: 1000 };
// Quoted by the notes: connections opening at once, and how long each may take to get its report's last section.
export const openConcurrency = 100;
export const deliveryTimeoutMs = 15_000;

export type Write = { reportId: string; sectionId: string; position: number; writtenAt: number };

/** The defaults are the target load; each has a BENCH_LOAD_* override. */
export function loadSettings() {
  return {
    seconds: integerFromEnv('BENCH_LOAD_SECONDS', 20),
    sseConnections: integerFromEnv('BENCH_LOAD_SSE_CONNECTIONS', targets.sseConnections),
    generations: integerFromEnv('BENCH_LOAD_GENERATIONS', targets.generations),
    reports: integerFromEnv('BENCH_LOAD_REPORTS', 10),
    tenants: integerFromEnv('BENCH_LOAD_TENANTS', 5),
    firstChunkMs: integerFromEnv('BENCH_LOAD_FIRST_CHUNK_MS', 250, 0),
    perChunkMs: integerFromEnv('BENCH_LOAD_PER_CHUNK_MS', 10, 0),
    baselineSeconds: integerFromEnv('BENCH_LOAD_BASELINE_SECONDS', 5),
  };
}

/** Untimed load before a generation window opens (same loops, no gap). */
const warmUpMs = { single: 1000, concurrent: 2000 };
/** Gaps between two section writes to the same report, drawn uniformly (fixed seed per report). */
const writeGapMs = { min: 500, max: 1500 };

export type RunFacts = Awaited<ReturnType<typeof runLoad>> & { openFiles: number | undefined; elapsedMs: number };
export type GenerationRow = RunFacts['single'];

type Settings = ReturnType<typeof loadSettings>;

export async function runLoad(settings: Settings, benchStack: BenchStack, sseClient: SseClient, icpClient: LoadClient) {
  const { stack, bedrock } = benchStack;
  // Imported only once the stack has set the environment (as local/start.ts does).
  const stores = {
    ...(await import('../../functions/stores/report-store.ts')),
    ...(await import('../../functions/stores/dynamo.ts')),
  };
  const tenants = [benchStack.tenant];
  while (tenants.length < settings.tenants) tenants.push(await benchStack.addTenant(`Load tenant ${tenants.length}`));
  const tenantOf = (index: number) => tenants[index % tenants.length] as BenchTenant;
  const reports: Array<{ reportId: string; tenant: BenchTenant }> = [];
  for (let index = 0; index < settings.reports; index++) {
    const { organisationId } = tenantOf(index);
    const report = { organisationId, orgName: 'Load', domain: 'load.example', what: 'A load report' };
    reports.push({ reportId: await createRunningReport(stores, report), tenant: tenantOf(index) });
  }

  // Per command: failed calls count as errors (the SSE loops would retry them silently); conditional writes refused as
  // the code intends (e.g. the first AI request of a minute starting its rate window) are only listed.
  const calls = new Map<string, { failed: number; refusedByCondition: number }>();
  const recorder = recordDynamoCalls(stores.dynamo(), {
    select: (command) => command.replace(/Command$/, ''),
    keep: false,
    onCall: ({ tag, ok, errorName }) => {
      const counted = calls.get(tag) ?? { failed: 0, refusedByCondition: 0 };
      calls.set(tag, counted);
      if (errorName === 'ConditionalCheckFailedException') counted.refusedByCondition++;
      else if (!ok) counted.failed++;
    },
  });
  const runId = Date.now().toString(36);
  const generationClients = Array.from({ length: settings.generations }, (_, index) => tenantOf(index).authorization);
  const url = benchStack.url('/api/ai/icp');
  const generate = async (label: string, clients: Array<Record<string, string>>, warmUp: number, ms: number) => {
    bedrock.reset();
    const workload = { kind: 'icp', clients, companyPrefix: `${runId}${label.slice(0, 1)}` } as const;
    const result = await icpClient.run({ url, workload, warmUpMs: warmUp, durationMs: ms });
    return { label, clients: clients.length, result };
  };

  // 1. Baselines without SSE: one client (twice as long: it completes one generation at a time), then all at once.
  const baselineMs = settings.baselineSeconds * 1000;
  const single = await generate('single', generationClients.slice(0, 1), warmUpMs.single, 2 * baselineMs);
  const concurrent = await generate('concurrent', generationClients, warmUpMs.concurrent, baselineMs);

  // 2. Open the SSE connections, spread round-robin over the reports.
  bedrock.reset();
  const streamTargets = Array.from({ length: settings.sseConnections }, (_, index) => {
    const { reportId, tenant } = reports[index % reports.length] as (typeof reports)[number];
    return { url: reportStreamUrl(stack.baseUrl, reportId), reportId, headers: tenant.authorization };
  });
  const opened = await sseClient.openMany(streamTargets, openConcurrency);

  // 3. The loaded window: generations in a closed loop while every report gets a completed section now and then,
  // as from the report worker, at gaps from its own seed (its index + 1).
  const windowMs = settings.seconds * 1000;
  const windowEnd = performance.now() + warmUpMs.concurrent + windowMs;
  const writes: Write[] = [];
  const writeSections = async ({ reportId, tenant }: (typeof reports)[number], index: number) => {
    const random = mulberry32(index + 1);
    for (let position = 0; ; position++) {
      await sleep(writeGapMs.min + random() * (writeGapMs.max - writeGapMs.min));
      if (performance.now() >= windowEnd) return;
      const section = { reportId, sectionId: `load-${position}`, position };
      writes.push({ ...section, ...(await writeCompletedSection(stores, tenant.organisationId, section)) });
    }
  };
  const writers = sleep(warmUpMs.concurrent).then(() => Promise.all(reports.map(writeSections)));
  const [loaded] = await Promise.all([generate('loaded', generationClients, warmUpMs.concurrent, windowMs), writers]);
  const lastSectionOfReport = Object.fromEntries(writes.map((write) => [write.reportId, write.sectionId]));
  const missingAtEnd = await sseClient.awaitSections(lastSectionOfReport, deliveryTimeoutMs);
  const { connections } = await sseClient.closeAll();
  recorder.uninstall();
  return { settings, opened, missingAtEnd, connections, writes, single, concurrent, loaded, calls, stack };
}
