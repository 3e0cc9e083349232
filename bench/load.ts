/**
 * Load on the local stack (issue 6, item 2): hundreds of concurrent SSE progress streams and tens of concurrent
 * streaming ICP generations at once, with no errors; event delivery latency, generation latency against an
 * unloaded baseline, memory of the Node process and of DynamoDB Local's JVM, and the DynamoDB reads the SSE
 * polling causes. Afterwards every stream is closed and the server must return to idle. Runs in its own
 * process (see support/child-process-module.ts).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { itemKeys } from '../functions/stores/item-keys.ts';
import { type RunningLocalStack, startLocalStack } from '../local/local-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { type CpuSnapshot, type CpuUse, cpuBetween, cpuSnapshot } from './support/cpu-usage.ts';
import { countDynamoDb, type DynamoCounter } from './support/dynamo-counter.ts';
import { warmUpDynamoDbLocal } from './support/dynamodb-warm-up.ts';
import { type IcpLoadClient, type LoadResult, startIcpLoadClient } from './support/load-client.ts';
import {
  activeResources,
  collectGarbage,
  type MemorySample,
  memorySample,
  openFileDescriptors,
  procStatusBytes,
  sampleMemory,
} from './support/memory-usage.ts';
import { createRunningReport } from './support/running-report.ts';
import { integerFromEnv } from './support/runs.ts';
import { type SseLoadClient, type SseLoadConnection, startSseLoadClient } from './support/sse-load-client.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, headline } from './support/table.ts';
import { disableNagleOnAcceptedSockets } from './support/tcp-no-delay.ts';
import { benchOrganisationLimits } from './support/tenant-data.ts';

/** Targets from issue 6, item 2. */
const targets = { sseConnections: 500, generations: 50, eventLatencyMedianMs: 1000 };

/** Defaults; every one has a BENCH_LOAD_* override (see README). */
const defaults = {
  seconds: 20,
  sseConnections: targets.sseConnections,
  generations: targets.generations,
  reports: 10,
  tenants: 5,
  firstChunkMs: 250,
  perChunkMs: 10,
  baselineSeconds: 5,
};
/** Untimed load before a generation window opens (same loops, no gap). */
const warmUpMs = { single: 1000, concurrent: 2000 };
/** SSE connections waiting for their response head at once while opening. */
const openConcurrency = 100;
/** The SSE connections alone, before the generations start: memory per open connection. */
const sseHoldMs = 2000;
/** Gaps between two section writes to the same report, drawn uniformly (fixed seed per report). */
const writeGapMs = { min: 500, max: 1500 };
/** How long every connection may take to receive the last section of its report after the window. */
const deliveryTimeoutMs = 15_000;
const memorySampleMs = 250;
const loopDelayResolutionMs = 10;
/** How often the DynamoDB calls in flight are counted during the loaded window. */
const inFlightSampleMs = 50;
/** The offline generator streams structured output in deltas of this many characters (local/bedrock/offline-generator.ts). */
const offlineJsonChunkChars = 16;
/** DynamoDB on-demand, us-east-1 list price per million read request units (as in report-pipeline.ts). */
const usdPerMillionRru = 0.125;

export const loadTest: BenchModule = {
  name: 'load',
  run: () => runInChildProcess(import.meta.url, 'measureLoad'),
};

type Settings = typeof defaults;

type Stores = Awaited<ReturnType<typeof importStores>>;

/** Imported only once the stack has set the environment (as local/start.ts does). */
async function importStores() {
  const [reportStore, provisioning, dynamo] = await Promise.all([
    import('../functions/stores/report-store.ts'),
    import('../functions/admin/provisioning.ts'),
    import('../functions/stores/dynamo.ts'),
  ]);
  return { ...reportStore, ...provisioning, ...dynamo };
}

interface Tenant {
  organisationId: string;
  headers: Record<string, string>;
}

interface FollowedReport {
  reportId: string;
  tenant: Tenant;
}

interface Write {
  reportId: string;
  sectionId: string;
  startedAt: number;
  writtenAt: number;
}

interface GenerationRow {
  label: string;
  clients: number;
  result: LoadResult;
  cpu?: CpuUse;
  icpLoop?: number;
}

interface MemoryPoint {
  label: string;
  sample: MemorySample;
  sseHeap?: number;
  icpHeap?: number;
}

interface IdleCheck {
  closedAt: number;
  graceMs: number;
  windowMs: number;
  queriesInGrace: number;
  queriesAfterGrace: number;
  lastQueryAfterClose?: number;
  perSecond: Array<{ from: number; count: number }>;
  timeouts: { before: number; during: number; after: number };
  sockets: { before: number; during: number; after: number };
  /** Open file descriptors of the whole process (server and client ends). */
  fds: { before: number | undefined; during: number | undefined; after: number | undefined };
}

export async function measureLoad(): Promise<BenchTable[]> {
  const settings: Settings = {
    seconds: integerFromEnv('BENCH_LOAD_SECONDS', defaults.seconds),
    sseConnections: integerFromEnv('BENCH_LOAD_SSE_CONNECTIONS', defaults.sseConnections),
    generations: integerFromEnv('BENCH_LOAD_GENERATIONS', defaults.generations),
    reports: integerFromEnv('BENCH_LOAD_REPORTS', defaults.reports),
    tenants: integerFromEnv('BENCH_LOAD_TENANTS', defaults.tenants),
    firstChunkMs: integerFromEnv('BENCH_LOAD_FIRST_CHUNK_MS', defaults.firstChunkMs, 0),
    perChunkMs: integerFromEnv('BENCH_LOAD_PER_CHUNK_MS', defaults.perChunkMs, 0),
    baselineSeconds: integerFromEnv('BENCH_LOAD_BASELINE_SECONDS', defaults.baselineSeconds),
  };
  const openFiles = checkOpenFileLimit(settings.sseConnections);
  // The handlers' logger reads its level when it loads, which happens inside startLocalStack.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const startedAt = performance.now();
  let stack: RunningLocalStack | undefined;
  let restoreNagle: (() => void) | undefined;
  let counter: DynamoCounter | undefined;
  let sse: SseLoadClient | undefined;
  let icp: IcpLoadClient | undefined;
  try {
    stack = await startLocalStack({
      port: 0,
      localBedrock: { latencyMs: { firstChunkMs: settings.firstChunkMs, perChunkMs: settings.perChunkMs } },
    });
    const localBedrock = stack.localBedrock;
    if (!localBedrock) throw new Error('The local stack started without its local Bedrock endpoint');
    const jvmPid = stack.dynamoDbLocalPid;
    restoreNagle = disableNagleOnAcceptedSockets(localBedrock.port);
    const stores = await importStores();

    const tenants: Tenant[] = [];
    for (let index = 0; index < settings.tenants; index++) {
      const organisation = await stores.createOrganisation(`Load tenant ${index}`, benchOrganisationLimits);
      const { apiKey } = await stores.issueApiKey(organisation.organisationId, `load${index}@example.com`, 'load');
      tenants.push({ organisationId: organisation.organisationId, headers: { authorization: `Bearer ${apiKey}` } });
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
    const dynamoWarmUp = await warmUpDynamoDbLocal(stack.dynamoEndpoint, stack.tableName, 150);

    const followed = new Set(reports.map((report) => itemKeys.report(report.reportId).pk));
    counter = countDynamoDb(stores.dynamo(), (command, input) => classifyCall(command, input, followed));
    const calls = counter;
    sse = startSseLoadClient();
    icp = startIcpLoadClient();
    const sseClient = sse;
    const icpClient = icp;

    const icpUrl = new URL('/api/ai/icp', stack.baseUrl);
    const runId = Date.now().toString(36);
    const generationClients = Array.from(
      { length: settings.generations },
      (_, index) => (tenants[index % tenants.length] as Tenant).headers,
    );
    const snapshot = () =>
      cpuSnapshot({
        ...(jvmPid !== undefined ? { otherPid: jvmPid } : {}),
        workerLoop: () => sseClient.eventLoopUtilization(),
      });
    /** One closed-loop generation phase, with CPU sampled by timers over its window. */
    const generate = async (label: string, clients: Array<Record<string, string>>, warmUp: number, ms: number) => {
      localBedrock.reset();
      const cpuAt: CpuSnapshot[] = [];
      const icpLoopAt: ReturnType<IcpLoadClient['eventLoopUtilization']>[] = [];
      const timers = [warmUp, warmUp + ms].map((delay) =>
        setTimeout(() => {
          cpuAt.push(snapshot());
          icpLoopAt.push(icpClient.eventLoopUtilization());
        }, delay),
      );
      const result = await icpClient
        .run({ url: icpUrl, clients, companyPrefix: `${runId}${label.slice(0, 1)}`, warmUpMs: warmUp, durationMs: ms })
        .finally(() => {
          for (const timer of timers) clearTimeout(timer);
        });
      const row: GenerationRow = { label, clients: clients.length, result };
      const [from, to] = cpuAt;
      if (from && to) row.cpu = cpuBetween(from, to);
      const [loopFrom, loopTo] = icpLoopAt;
      if (loopFrom && loopTo) row.icpLoop = performance.eventLoopUtilization(loopTo, loopFrom).utilization;
      return row;
    };

    // 1. Baselines: one generation at a time, then all of them at once without SSE connections.
    const baselineMs = settings.baselineSeconds * 1000;
    // Twice as long for the single client, which completes one generation at a time.
    const single = await generate('single', generationClients.slice(0, 1), warmUpMs.single, 2 * baselineMs);
    const concurrent = await generate('concurrent', generationClients, warmUpMs.concurrent, baselineMs);

    // 2. Idle, collected: the "before" figures.
    localBedrock.reset();
    await collectGarbage();
    const before = await memoryPoint('Before: stack idle, after baselines (GC)', jvmPid, sseClient, icpClient);
    const resourcesBefore = activeResources();
    const fdsBefore = openFileDescriptors();

    // 3. Open the SSE connections, spread round-robin over the reports, and hold them without other load.
    const memory = sampleMemory(memorySampleMs, jvmPid);
    const connectionTargets = Array.from({ length: settings.sseConnections }, (_, index) => {
      const report = reports[index % reports.length] as FollowedReport;
      return {
        url: streamUrl(stack as RunningLocalStack, report.reportId),
        reportId: report.reportId,
        ...report.tenant,
      };
    });
    const opened = await sseClient.open(connectionTargets, openConcurrency);
    await sleep(sseHoldMs);
    await collectGarbage();
    const sseOnly = await memoryPoint(
      `${opened.opened} SSE connections open, no other load (+${sseHoldMs / 1000} s, GC)`,
      jvmPid,
      sseClient,
      icpClient,
    );

    // 4. The loaded window: generations in a closed loop, section writes to every followed report.
    const windowMs = settings.seconds * 1000;
    const windowStart = performance.now() + warmUpMs.concurrent;
    const windowEnd = windowStart + windowMs;
    const writes: Write[] = [];
    const writers = sleep(warmUpMs.concurrent).then(() =>
      Promise.all(reports.map((report, index) => writeSections(stores, report, index + 1, windowEnd, writes))),
    );
    const inFlight: number[] = [];
    const inFlightTimers: NodeJS.Timeout[] = [];
    inFlightTimers.push(
      setTimeout(() => {
        inFlightTimers.push(setInterval(() => inFlight.push(calls.inFlight()), inFlightSampleMs));
      }, warmUpMs.concurrent),
    );
    const loopDelay = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
    const loopDelayTimers = [
      setTimeout(() => loopDelay.enable(), warmUpMs.concurrent),
      setTimeout(() => loopDelay.disable(), warmUpMs.concurrent + windowMs),
    ];
    let duringPoint: MemoryPoint | undefined;
    const duringTimer = setTimeout(
      () => {
        // Heaps of the client threads near the end of the window (async, so read here rather than sampled).
        void memoryPoint('end of window', jvmPid, sseClient, icpClient).then((point) => {
          duringPoint = point;
        });
      },
      warmUpMs.concurrent + windowMs - 500,
    );
    const [loaded] = await Promise.all([
      generate('loaded', generationClients, warmUpMs.concurrent, windowMs),
      writers,
    ]).finally(() => {
      for (const timer of [...loopDelayTimers, duringTimer, ...inFlightTimers]) clearTimeout(timer);
      loopDelay.disable();
    });
    const lastSectionOfReport: Record<string, string> = {};
    for (const write of writes) lastSectionOfReport[write.reportId] = write.sectionId;
    const missingAtEnd = await sseClient.awaitSections(lastSectionOfReport, deliveryTimeoutMs);
    const resourcesDuring = activeResources();
    const fdsDuring = openFileDescriptors();

    // 5. Close every connection from the client side; the server must stop polling and settle.
    const { closedAt, connections } = await sseClient.closeAll();
    memory.stop();
    const pollMaxMs = Number(process.env.SSE_POLL_MAX_MS);
    const pollMinMs = Number(process.env.SSE_POLL_MIN_MS);
    const heartbeatMs = Number(process.env.SSE_HEARTBEAT_MS);
    const graceMs = pollMaxMs + 500;
    const idleWindowMs = Math.max(3 * pollMaxMs, 6000);
    await sleep(closedAt + idleWindowMs - performance.now());
    // The endpoint keeps every request it served; "before" was read after the same reset.
    localBedrock.reset();
    const after = await memoryPoint(`After: ${idleWindowMs / 1000} s after closing`, jvmPid, sseClient, icpClient);
    const resourcesAfter = activeResources();
    const fdsAfter = openFileDescriptors();
    await collectGarbage();
    const afterGc = await memoryPoint('After, GC', jvmPid, sseClient, icpClient);
    const queryStarts = calls.classes.get('sse.query')?.starts ?? [];
    const idle: IdleCheck = {
      closedAt,
      graceMs,
      windowMs: idleWindowMs,
      queriesInGrace: calls.countBetween('sse.query', closedAt, closedAt + graceMs),
      queriesAfterGrace: calls.countBetween('sse.query', closedAt + graceMs, closedAt + idleWindowMs),
      perSecond: Array.from({ length: 3 + idleWindowMs / 1000 }, (_, index) => {
        const from = closedAt + (index - 3) * 1000;
        return { from: from - closedAt, count: calls.countBetween('sse.query', from, from + 1000) };
      }),
      timeouts: {
        before: resourcesBefore.get('Timeout') ?? 0,
        during: resourcesDuring.get('Timeout') ?? 0,
        after: resourcesAfter.get('Timeout') ?? 0,
      },
      fds: { before: fdsBefore, during: fdsDuring, after: fdsAfter },
      sockets: {
        before: resourcesBefore.get('TCPSocketWrap') ?? 0,
        during: resourcesDuring.get('TCPSocketWrap') ?? 0,
        after: resourcesAfter.get('TCPSocketWrap') ?? 0,
      },
    };
    const lastQuery = queryStarts.filter((start) => start >= closedAt).at(-1);
    if (lastQuery !== undefined) idle.lastQueryAfterClose = lastQuery - closedAt;

    const peakSample = (pick: (sample: MemorySample) => number) =>
      memory.samples.reduce((best, sample) => (pick(sample) > pick(best) ? sample : best));
    const peak = {
      rss: peakSample((sample) => sample.rss),
      heap: peakSample((sample) => sample.heapUsed),
      jvm: peakSample((sample) => sample.otherRss ?? 0),
    };

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
      inFlight,
      idle,
      // The histogram records the time between two samples, i.e. the resolution plus the delay.
      loopDelay: {
        p50: loopDelay.percentile(50) / 1e6 - loopDelayResolutionMs,
        p99: loopDelay.percentile(99) / 1e6 - loopDelayResolutionMs,
        max: loopDelay.max / 1e6 - loopDelayResolutionMs,
      },
      poll: { minMs: pollMinMs, maxMs: pollMaxMs, heartbeatMs },
      memory: { before, sseOnly, during: duringPoint, peak, after, afterGc },
      jvmPid,
      dynamoWarmUp,
      openFiles,
      elapsedMs: 0,
    };
    run.elapsedMs = performance.now() - startedAt;
    return [
      headlineTable(run),
      errorTable(run),
      latencyTable(run),
      memoryTable(run),
      dynamoTable(run),
      idleTable(run),
      cpuTable(run),
    ];
  } finally {
    counter?.uninstall();
    await sse?.terminate();
    await icp?.close();
    restoreNagle?.();
    await stack?.stop();
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

/** Reads on the followed reports' partition: the SSE loops' event-log Query and report GetItem; the rest by command. */
function classifyCall(command: string, input: Record<string, unknown>, followed: Set<string>): string {
  if (command === 'QueryCommand') {
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    if (followed.has(String(values[':pk']))) return 'sse.query';
  }
  if (command === 'GetItemCommand') {
    const key = (input.Key ?? {}) as Record<string, unknown>;
    if (followed.has(String(key.pk))) return 'sse.get';
  }
  return command.replace(/Command$/, '');
}

const streamUrl = (stack: RunningLocalStack, reportId: string) =>
  new URL(`/api/ai/strategy/executive-summary/stream?reportId=${reportId}`, stack.baseUrl);

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
    const sectionId = `load-${position}`;
    const startedAt = performance.now();
    await stores.putReportSection(report.tenant.organisationId, {
      reportId: report.reportId,
      sectionId,
      position,
      status: 'completed',
      payload: { title: sectionId, summary: `About ${sectionId}.`, highlights: ['one'], metrics: [] },
      generatedAt: new Date().toISOString(),
    });
    writes.push({ reportId: report.reportId, sectionId, startedAt, writtenAt: performance.now() });
  }
}

async function memoryPoint(
  label: string,
  jvmPid: number | undefined,
  sse: SseLoadClient,
  icp: IcpLoadClient,
): Promise<MemoryPoint> {
  const sample = memorySample(jvmPid);
  const [sseHeap, icpHeap] = await Promise.all([sse.heapUsed(), icp.heapUsed()]);
  return { label, sample, sseHeap, icpHeap };
}

// ---------------------------------------------------------------------------------------------------------------
// Analysis

interface Delivery {
  /** write resolved → event received, one sample per (connection, write). */
  latencies: number[];
  /** Per connection, the median of its latencies. */
  connectionMedians: number[];
  missing: number;
  duplicates: number;
  outOfOrder: number;
  unexpected: number;
  /** Section writes each connection should have received (sum over connections). */
  expected: number;
}

function analyseDelivery(connections: SseLoadConnection[], writes: Write[], reports: FollowedReport[]): Delivery {
  const writesOf = new Map(reports.map((report) => [report.reportId, new Map<string, Write>()]));
  for (const write of writes) writesOf.get(write.reportId)?.set(write.sectionId, write);
  const delivery: Delivery = {
    latencies: [],
    connectionMedians: [],
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    unexpected: 0,
    expected: 0,
  };
  for (const connection of connections) {
    if (connection.status !== 200) continue;
    const expected = writesOf.get(connection.reportId) ?? new Map<string, Write>();
    delivery.expected += expected.size;
    const seen = new Set<string>();
    const own: number[] = [];
    let lastPosition = -1;
    let lastEventId = '';
    for (const event of connection.events) {
      if (event.eventId <= lastEventId) delivery.outOfOrder++;
      lastEventId = event.eventId;
      if (event.event !== 'section.completed' || event.sectionId === undefined) {
        delivery.unexpected++;
        continue;
      }
      const write = expected.get(event.sectionId);
      if (!write) {
        delivery.unexpected++;
        continue;
      }
      if (seen.has(event.sectionId)) {
        delivery.duplicates++;
        continue;
      }
      seen.add(event.sectionId);
      const position = Number(event.sectionId.slice('load-'.length));
      if (position < lastPosition) delivery.outOfOrder++;
      lastPosition = position;
      own.push(event.receivedAt - write.writtenAt);
    }
    delivery.missing += expected.size - seen.size;
    delivery.latencies.push(...own);
    if (own.length > 0) delivery.connectionMedians.push(median(own));
  }
  return delivery;
}

interface RunFacts {
  settings: Settings;
  opened: { opened: number; failures: string[]; elapsedMs: number };
  missingAtEnd: number;
  connections: SseLoadConnection[];
  writes: Write[];
  delivery: Delivery;
  single: GenerationRow;
  concurrent: GenerationRow;
  loaded: GenerationRow;
  windowStart: number;
  windowEnd: number;
  calls: DynamoCounter;
  /** Handler DynamoDB calls in flight, sampled during the loaded window. */
  inFlight: number[];
  idle: IdleCheck;
  loopDelay: { p50: number; p99: number; max: number };
  poll: { minMs: number; maxMs: number; heartbeatMs: number };
  memory: {
    before: MemoryPoint;
    sseOnly: MemoryPoint;
    during: MemoryPoint | undefined;
    peak: { rss: MemorySample; heap: MemorySample; jvm: MemorySample };
    after: MemoryPoint;
    afterGc: MemoryPoint;
  };
  jvmPid: number | undefined;
  dynamoWarmUp: { operations: number; ms: number };
  openFiles: number | undefined;
  elapsedMs: number;
}

interface ErrorCounts {
  sseOpenFailures: number;
  sseDropped: number;
  missingEvents: number;
  duplicateEvents: number;
  outOfOrderEvents: number;
  unexpectedEvents: number;
  generationFailures: number;
  dynamoFailures: number;
}

function errorCounts(run: RunFacts): ErrorCounts {
  const generationRows = [run.single, run.concurrent, run.loaded];
  return {
    sseOpenFailures: run.settings.sseConnections - run.connections.filter((c) => c.status === 200).length,
    sseDropped: run.connections.filter((connection) => connection.status === 200 && connection.dropped).length,
    missingEvents: run.delivery.missing,
    duplicateEvents: run.delivery.duplicates,
    outOfOrderEvents: run.delivery.outOfOrder,
    unexpectedEvents: run.delivery.unexpected,
    generationFailures: generationRows.reduce((sum, row) => sum + row.result.failed, 0),
    dynamoFailures: [...run.calls.classes.values()].reduce((sum, calls) => sum + calls.failed, 0),
  };
}

const totalErrors = (counts: ErrorCounts) => Object.values(counts).reduce((sum, count) => sum + count, 0);

// ---------------------------------------------------------------------------------------------------------------
// Tables

function headlineTable(run: RunFacts): BenchTable {
  const { settings, loaded, delivery } = run;
  const errors = totalErrors(errorCounts(run));
  const held = run.connections.filter((connection) => connection.status === 200 && !connection.dropped).length;
  const windowSeconds = (run.windowEnd - run.windowStart) / 1000;
  const throughput = loaded.result.completedInWindow / windowSeconds;
  const totals = loaded.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const inFlight = totals.length > 0 ? throughput * (totals.reduce((a, b) => a + b, 0) / totals.length / 1000) : 0;
  const latencyMedian = delivery.latencies.length > 0 ? median(delivery.latencies) : Number.NaN;
  const totalMedian = (row: GenerationRow) => {
    const values = row.result.samples.map((sample) => sample.endAt - sample.sentAt);
    return values.length > 0 ? median(values) : Number.NaN;
  };
  const load = `${settings.sseConnections} SSE + ${settings.generations} generations`;
  return {
    title: `Load: ${settings.sseConnections} SSE connections + ${settings.generations} concurrent ICP generations for ${settings.seconds} s (local stack)`,
    columns: [{ header: 'Check' }, { header: 'Measured', align: 'right' }, { header: 'Target' }],
    rows: [
      [
        'SSE connections held for the whole window (opened − dropped)',
        `${held} of ${settings.sseConnections}`,
        verdict(held >= targets.sseConnections, `${targets.sseConnections} held`),
      ],
      [
        'Concurrent ICP generations (closed-loop clients; ≈ in flight by Little’s law)',
        `${loaded.clients} (≈ ${inFlight.toFixed(1)})`,
        verdict(loaded.clients >= targets.generations, `${targets.generations} concurrent`),
      ],
      [
        'Generations completed in the window (valid ICPResult each)',
        `${loaded.result.completedInWindow} (${throughput.toFixed(1)}/s)`,
        '—',
      ],
      [
        'Section events delivered (connections × writes to their report)',
        `${delivery.latencies.length} of ${delivery.expected}`,
        '—',
      ],
      ['Errors (see the error table)', String(errors), verdict(errors === 0, '0 errors')],
      [
        'Event latency median under load (write → receipt, all connections)',
        ms(latencyMedian),
        verdict(latencyMedian < targets.eventLatencyMedianMs, `median < ${targets.eventLatencyMedianMs} ms`),
      ],
    ],
    notes: [
      `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared by everything: one Node process runs the ` +
        'Function URL shim with the HTTP handler (every SSE loop and every generation), the local Bedrock endpoint, the ' +
        'stream poller + projector and, on two worker threads, the clients; DynamoDB Local is a JVM beside it. On AWS ' +
        'every SSE connection and every generation is a Lambda invocation of its own, so this is a single-process ' +
        'stress figure for the local stack, not a prediction of Lambda capacity.',
      `Stack: startLocalStack({ localBedrock: { latencyMs: { firstChunkMs: ${settings.firstChunkMs}, perChunkMs: ` +
        `${settings.perChunkMs} } } }) (BENCH_LOAD_FIRST_CHUNK_MS, BENCH_LOAD_PER_CHUNK_MS), DynamoDB Local in memory, ` +
        `SSE settings from cdk.json (poll ${run.poll.minMs}–${run.poll.maxMs} ms, heartbeat ${run.poll.heartbeatMs / 1000} s). ` +
        `${settings.tenants} tenants (1,000,000-unit quota each), ${settings.reports} running reports ` +
        `(${settings.reports / settings.tenants} per tenant), the SSE connections spread round-robin over them ` +
        `(${Math.round(settings.sseConnections / settings.reports)} per report), the generation clients over the tenants. ` +
        `Open-file soft limit: ${run.openFiles ?? 'unknown'} (both ends of every connection are in this process; the ` +
        'module refuses to start below 2 × connections + 300).',
      `Window: ${settings.seconds} s (BENCH_LOAD_SECONDS) after ${warmUpMs.concurrent / 1000} s of generation load ` +
        'started with the connections already open; section writes run during the window only. Whole module: ' +
        `${(run.elapsedMs / 1000).toFixed(0)} s. Knobs: BENCH_LOAD_SSE_CONNECTIONS, BENCH_LOAD_GENERATIONS, ` +
        'BENCH_LOAD_REPORTS, BENCH_LOAD_TENANTS, BENCH_LOAD_BASELINE_SECONDS.',
    ],
    headlines: [
      headline(`Load (${load}): errors`, String(errors), '—', '0', errors === 0),
      headline(
        `Load (${load}): SSE connections held`,
        `${held} of ${settings.sseConnections}`,
        '—',
        `${targets.sseConnections} held`,
        held >= targets.sseConnections,
      ),
      headline(
        `Load (${load}): concurrent ICP generations`,
        String(loaded.clients),
        '—',
        `${targets.generations}`,
        loaded.clients >= targets.generations,
      ),
      headline(
        `Load (${load}): SSE event latency under load`,
        delivery.latencies.length > 0
          ? `median ${ms(latencyMedian)}, p95 ${ms(percentile(delivery.latencies, 95))}`
          : '—',
        '—',
        `median < ${targets.eventLatencyMedianMs} ms`,
        latencyMedian < targets.eventLatencyMedianMs,
      ),
      headline(
        `Load (${load}): ICP generation total median`,
        ms(totalMedian(loaded)),
        `1 client, no SSE: ${ms(totalMedian(run.single))}`,
      ),
    ],
  };
}

function errorTable(run: RunFacts): BenchTable {
  const counts = errorCounts(run);
  const dropped = run.connections.filter((connection) => connection.status === 200 && connection.dropped);
  const generationFailures = [run.single, run.concurrent, run.loaded].flatMap((row) =>
    row.result.failures.map((failure) => `${row.label}: ${failure}`),
  );
  const dynamoFailures = [...run.calls.classes.entries()]
    .filter(([, calls]) => calls.failed > 0)
    .map(([name, calls]) => `${name} ${calls.failed}`);
  const row = (label: string, count: number) => [label, String(count), verdict(count === 0, '0')];
  const examples = [
    ...run.opened.failures.slice(0, 3).map((failure) => `SSE open: ${failure}`),
    ...dropped.slice(0, 3).map((connection) => `SSE dropped: ${connection.dropped?.reason}`),
    ...generationFailures.slice(0, 3),
    ...(dynamoFailures.length > 0 ? [`DynamoDB failures by class: ${dynamoFailures.join(', ')}`] : []),
  ];
  return {
    title: 'Errors (every one must be 0)',
    columns: [{ header: 'Kind' }, { header: 'Count', align: 'right' }, { header: 'Target' }],
    rows: [
      row('SSE connections not opened (non-200, connect error)', counts.sseOpenFailures),
      row('SSE connections dropped before the client closed them', counts.sseDropped),
      row('Section events missing at a connection', counts.missingEvents),
      row('Section events received twice', counts.duplicateEvents),
      row('Events out of order (event id or section position)', counts.outOfOrderEvents),
      row('Unexpected events (other type, unknown section, job.*)', counts.unexpectedEvents),
      row('ICP generations failed (non-200, x-cache ≠ miss, not an ICPResult, aborted)', counts.generationFailures),
      row('DynamoDB calls of the handlers that failed (SSE polls retry them silently)', counts.dynamoFailures),
    ],
    notes: [
      `Generations checked: ${[run.single, run.concurrent, run.loaded].reduce((sum, r) => sum + r.result.completed, 0)} ` +
        'responses over the three phases (warm-up and drain included), each HTTP 200 with x-cache: miss and a body ' +
        'that JSON-parses and validates against icpResultSchema (a stream aborted after the first byte fails the parse).',
      `SSE: every connection must get each section written to its report after it opened, exactly once and in order; ` +
        `after the window the benchmark waited up to ${deliveryTimeoutMs / 1000} s for the last section of every report ` +
        `(${run.missingAtEnd} connections still lacked it). Opening took ${ms(run.opened.elapsedMs)} for all ` +
        `${run.settings.sseConnections} (${openConcurrency} at a time).`,
      ...(examples.length > 0 ? [`Examples: ${examples.join(' | ')}`] : []),
    ],
  };
}

function latencyTable(run: RunFacts): BenchTable {
  const { delivery } = run;
  const writeCalls = run.writes.map((write) => write.writtenAt - write.startedAt);
  const generationRow = (row: GenerationRow, description: string) => {
    const samples = row.result.samples;
    const ttfb = samples.map((sample) => sample.firstByteAt - sample.sentAt);
    const total = samples.map((sample) => sample.endAt - sample.sentAt);
    const seconds = (row.result.windowEnd - row.result.windowStart) / 1000;
    return [
      description,
      String(samples.length),
      ...(samples.length > 0
        ? [ms(median(ttfb)), ms(percentile(ttfb, 95)), ms(median(total)), ms(percentile(total, 95))]
        : ['—', '—', '—', '—']),
      (row.result.completedInWindow / seconds).toFixed(1),
    ];
  };
  const bodyBytes = [run.single, run.concurrent, run.loaded].flatMap((row) =>
    row.result.samples.map((sample) => sample.bytes),
  );
  const chunks = bodyBytes.length > 0 ? Math.ceil(median(bodyBytes) / offlineJsonChunkChars) : 0;
  const floorTotal = run.settings.firstChunkMs + Math.max(0, chunks - 1) * run.settings.perChunkMs;
  const singleTotal = run.single.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const loadedTotal = run.loaded.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const slowdown =
    singleTotal.length > 0 && loadedTotal.length > 0 ? median(loadedTotal) / median(singleTotal) : Number.NaN;
  return {
    title: 'Latency under load: SSE event delivery and ICP generation (TTFB = first body byte)',
    columns: [
      { header: 'What' },
      { header: 'Samples', align: 'right' },
      { header: 'Median', align: 'right' },
      { header: 'p95', align: 'right' },
      { header: 'Total median / p99', align: 'right' },
      { header: 'Total p95 / max', align: 'right' },
      { header: 'Per s', align: 'right' },
    ],
    rows: [
      delivery.latencies.length > 0
        ? [
            `SSE event: section write resolved → received (${run.settings.sseConnections} connections)`,
            String(delivery.latencies.length),
            ms(median(delivery.latencies)),
            ms(percentile(delivery.latencies, 95)),
            ms(percentile(delivery.latencies, 99)),
            ms(Math.max(...delivery.latencies)),
            (delivery.latencies.length / run.settings.seconds).toFixed(0),
          ]
        : ['SSE event: section write resolved → received', '0', '—', '—', '—', '—', '—'],
      delivery.connectionMedians.length > 0
        ? [
            'SSE event: per-connection medians (median, p95 | —, slowest connection)',
            String(delivery.connectionMedians.length),
            ms(median(delivery.connectionMedians)),
            ms(percentile(delivery.connectionMedians, 95)),
            '—',
            ms(Math.max(...delivery.connectionMedians)),
            '—',
          ]
        : ['SSE event: per-connection medians', '0', '—', '—', '—', '—', '—'],
      writeCalls.length > 0
        ? [
            'Section write call (putReportSection, PutItem)',
            String(writeCalls.length),
            ms(median(writeCalls)),
            ms(percentile(writeCalls, 95)),
            '—',
            ms(Math.max(...writeCalls)),
            (writeCalls.length / run.settings.seconds).toFixed(1),
          ]
        : ['Section write call', '0', '—', '—', '—', '—', '—'],
      [
        `ICP model floor: endpoint delays only (${chunks} deltas)`,
        '—',
        ms(run.settings.firstChunkMs),
        '—',
        ms(floorTotal),
        '—',
        '—',
      ],
      generationRow(run.single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      generationRow(run.concurrent, `ICP TTFB | total: ${run.concurrent.clients} clients, no SSE`),
      generationRow(
        run.loaded,
        `ICP TTFB | total: ${run.loaded.clients} clients + ${run.settings.sseConnections} SSE (loaded)`,
      ),
    ],
    notes: [
      'SSE rows: Median / p95 columns are the latency median / p95; the next two columns are p99 and max. Latency = ' +
        'putReportSection resolved on the main thread → the chunk completing the event read on the SSE client ' +
        'thread (its own event loop; both clocks are the process clock). It covers the local stream poller (100 ms ' +
        'idle sleep, GetRecords), the projector’s event-log Put, the wait for the connection’s next poll (the interval ' +
        `resets to ${run.poll.minMs} ms after an event and grows ×1.5 to ${run.poll.maxMs} ms), the Query and the send. ` +
        `Write gaps per report: ${writeGapMs.min}–${writeGapMs.max} ms, uniform, fixed seed; every write fans out to ` +
        `${Math.round(run.settings.sseConnections / run.settings.reports)} connections.`,
      'ICP rows: Median / p95 are TTFB; the total columns are median and p95 of request → end of body; Per s = ' +
        'generations completed in the window ÷ window. Every generation asks for a new company (no cache hits). ' +
        `Baselines: ${run.settings.baselineSeconds} s windows (BENCH_LOAD_BASELINE_SECONDS) after ` +
        `${warmUpMs.single / 1000} s / ${warmUpMs.concurrent / 1000} s of the same load (the single client’s window is ` +
        `twice as long). Model floor: the local endpoint waits firstChunkMs (${run.settings.firstChunkMs} ms) before ` +
        `the first delta and perChunkMs (${run.settings.perChunkMs} ms) before each later one; a median body of ` +
        `${bodyBytes.length > 0 ? median(bodyBytes) : 0} bytes is ${chunks} deltas of ${offlineJsonChunkChars} characters. ` +
        'Node timers overshoot by about a millisecond each, so even one generation alone ends a little after the floor.',
      `Loaded generation total median ÷ unloaded: ${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}. ` +
        `Main-thread event-loop delay during the loaded window: p50 ${ms(run.loopDelay.p50)}, p99 ` +
        `${ms(run.loopDelay.p99)}, max ${ms(run.loopDelay.max)} (every handler, SSE loop and the model endpoint share it).`,
    ],
  };
}

function memoryTable(run: RunFacts): BenchTable {
  const { before, sseOnly, during, peak, after, afterGc } = run.memory;
  const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(0)} MB`);
  const delta = (to: number | undefined, from: number | undefined) =>
    to === undefined || from === undefined
      ? '—'
      : `${to >= from ? '+' : '−'}${(Math.abs(to - from) / 1e6).toFixed(0)} MB`;
  const row = (
    label: string,
    pick: (sample: MemorySample) => number | undefined,
    peakValue: number | undefined,
    threadPick?: (point: MemoryPoint) => number | undefined,
  ) => {
    const value = (point: MemoryPoint | undefined) => (point ? (threadPick?.(point) ?? pick(point.sample)) : undefined);
    return [
      label,
      mb(value(before)),
      mb(value(sseOnly)),
      mb(peakValue),
      mb(value(after)),
      mb(value(afterGc)),
      delta(value(afterGc), value(before)),
    ];
  };
  const perConnection = (sseOnly.sample.rss - before.sample.rss) / run.settings.sseConnections;
  const perConnectionHeap = (sseOnly.sample.heapUsed - before.sample.heapUsed) / run.settings.sseConnections;
  const jvmPeak = run.jvmPid === undefined ? undefined : procStatusBytes(run.jvmPid, 'VmHWM');
  return {
    title: 'Memory: the Node process (server, model endpoint, client threads) and DynamoDB Local’s JVM',
    columns: [
      { header: 'Measure' },
      { header: 'Before (idle, GC)', align: 'right' },
      { header: `${run.settings.sseConnections} SSE open, no load`, align: 'right' },
      { header: 'Peak during load', align: 'right' },
      { header: 'After close', align: 'right' },
      { header: 'After close, GC', align: 'right' },
      { header: 'After GC − before', align: 'right' },
    ],
    rows: [
      row('Node process RSS (all threads)', (sample) => sample.rss, peak.rss.rss),
      row('Main-thread V8 heap used (server side)', (sample) => sample.heapUsed, peak.heap.heapUsed),
      row('Main-thread V8 heap total', (sample) => sample.heapTotal, peak.heap.heapTotal),
      row('External + array buffers (main isolate)', (sample) => sample.external, peak.rss.external),
      row(
        'SSE client thread V8 heap used',
        () => undefined,
        during?.sseHeap,
        (point) => point.sseHeap,
      ),
      row(
        'ICP client thread V8 heap used',
        () => undefined,
        during?.icpHeap,
        (point) => point.icpHeap,
      ),
      row('DynamoDB Local JVM VmRSS (-Xmx256m)', (sample) => sample.otherRss, peak.jvm.otherRss),
    ],
    notes: [
      'process.memoryUsage() of the benchmark process, which is the server process: the stack runs in it ' +
        '(handlers, SSE loops, local Bedrock endpoint, pollers); RSS also holds the two client threads, whose own ' +
        'heaps are shown separately (worker.getHeapStatistics(), read at each point; "peak" column: near the end of ' +
        `the window). Peak = the largest of the samples taken every ${memorySampleMs} ms from opening the connections ` +
        'to closing them (RSS and heap peaks may be different moments). GC = a full collection of the main isolate ' +
        '(--expose-gc set at run time) just before reading.',
      `Opening the connections: RSS ${perConnection >= 0 ? '+' : '−'}${(Math.abs(perConnection) / 1e3).toFixed(0)} kB ` +
        `and main heap ${perConnectionHeap >= 0 ? '+' : '−'}${(Math.abs(perConnectionHeap) / 1e3).toFixed(1)} kB per ` +
        'connection (both ends: the server’s socket, request, response stream and SSE loop, and the client’s ' +
        'socket and parser on the worker).',
      `DynamoDB Local: VmRSS from /proc/${run.jvmPid ?? '<pid>'}/status at each point; its own high-water mark ` +
        `(VmHWM) at the end: ${mb(jvmPeak)}. Its heap is capped at 256 MB (local/dynamodb-local.ts).`,
    ],
  };
}

function dynamoTable(run: RunFacts): BenchTable {
  const { calls, settings } = run;
  const windowSeconds = (run.windowEnd - run.windowStart) / 1000;
  const inWindow = (name: string) => calls.countBetween(name, run.windowStart, run.windowEnd);
  const durationsInWindow = (name: string) => {
    const entry = calls.classes.get(name);
    if (!entry) return [];
    return entry.durations.filter((_, index) => {
      const start = entry.starts[index] ?? 0;
      return start >= run.windowStart && start < run.windowEnd;
    });
  };
  const queries = inWindow('sse.query') / windowSeconds;
  const gets = inWindow('sse.get') / windowSeconds;
  const rruPerSecond = queries * 0.5 + gets * 1;
  const others = [...calls.classes.keys()].filter((name) => !name.startsWith('sse.')).sort();
  const durationCells = (name: string) => {
    const durations = durationsInWindow(name);
    return durations.length > 0 ? [ms(median(durations)), ms(percentile(durations, 95))] : ['—', '—'];
  };
  return {
    title: `DynamoDB calls of the handlers during the loaded window (${windowSeconds.toFixed(0)} s)`,
    columns: [
      { header: 'Call' },
      { header: 'Per second', align: 'right' },
      { header: 'Per connection per min', align: 'right' },
      { header: 'Call time median', align: 'right' },
      { header: 'Call time p95', align: 'right' },
    ],
    rows: [
      [
        'SSE: event-log Query (followed reports)',
        queries.toFixed(0),
        ((queries * 60) / settings.sseConnections).toFixed(1),
        ...durationCells('sse.query'),
      ],
      [
        'SSE: report GetItem (heartbeat status re-read)',
        gets.toFixed(1),
        ((gets * 60) / settings.sseConnections).toFixed(2),
        ...durationCells('sse.get'),
      ],
      [
        'SSE: read request units (Query 0.5, strongly consistent GetItem 1)',
        rruPerSecond.toFixed(0),
        ((rruPerSecond * 60) / settings.sseConnections).toFixed(1),
        '—',
        '—',
      ],
      ...others.map((name) => [
        `Other: ${name} (generations, writes, projector, auth)`,
        (inWindow(name) / windowSeconds).toFixed(1),
        '—',
        ...durationCells(name),
      ]),
    ],
    notes: [
      'Counted by an SDK middleware on the handlers’ shared DynamoDB document client (start time and duration only). ' +
        'Call time is the whole SDK call: marshalling, waiting for one of the agent’s 50 sockets (the SDK default ' +
        'maxSockets; all of this process’s handlers share them), the HTTP exchange with DynamoDB Local, retries. ' +
        'The stream poller’s GetRecords calls use their own client and are not counted.',
      run.inFlight.length > 0
        ? `Calls in flight on that client, sampled every ${inFlightSampleMs} ms in the window: median ` +
          `${median(run.inFlight)}, p95 ${percentile(run.inFlight, 95)}, max ${Math.max(...run.inFlight)} ` +
          `(${percentile(run.inFlight, 95) > 50 ? 'above 50: calls queued for a socket' : 'within the 50 sockets: no queueing for a socket'}); ` +
          `main-thread event-loop delay p50 ${ms(run.loopDelay.p50)}, so most of a call's time is waiting for the busy ` +
          'main thread to process its response.'
        : 'Calls in flight: not sampled.',
      `Cost of the polling at the same read rate on AWS: ${rruPerSecond.toFixed(0)} RRU/s ≈ ` +
        `$${((rruPerSecond * 3600 * usdPerMillionRru) / 1e6).toFixed(3)} per hour for ${settings.sseConnections} ` +
        `connections at $${usdPerMillionRru} per million RRU (on-demand, us-east-1 list price; not checked live). ` +
        'Each Query that returns an event of ≤ 4 KB is 0.5 RRU, an empty one too.',
    ],
  };
}

function idleTable(run: RunFacts): BenchTable {
  const { idle } = run;
  const perSecond = idle.perSecond
    .map(({ from, count }) => `${from >= 0 ? '+' : ''}${from / 1000} s: ${count}`)
    .join(', ');
  return {
    title: 'After closing every SSE connection: does the server return to idle?',
    columns: [{ header: 'Check' }, { header: 'Measured', align: 'right' }, { header: 'Target' }],
    rows: [
      [
        `Event-log Queries from close to +${idle.graceMs / 1000} s (in-flight polls, last sleeps)`,
        String(idle.queriesInGrace),
        '—',
      ],
      [
        `Event-log Queries from +${idle.graceMs / 1000} s to +${idle.windowMs / 1000} s`,
        String(idle.queriesAfterGrace),
        verdict(idle.queriesAfterGrace === 0, '0 (every SSE loop ended)'),
      ],
      [
        'Last event-log Query after close',
        idle.lastQueryAfterClose === undefined ? 'none' : `+${ms(idle.lastQueryAfterClose)}`,
        `≤ poll max (${run.poll.maxMs} ms)`,
      ],
      [
        'Main-thread timers (Timeout handles): before / during / after',
        `${idle.timeouts.before} / ${idle.timeouts.during} / ${idle.timeouts.after}`,
        verdict(idle.timeouts.after <= idle.timeouts.before + 2, 'after ≈ before'),
      ],
      [
        'Main-thread TCP sockets: before / during / after',
        `${idle.sockets.before} / ${idle.sockets.during} / ${idle.sockets.after}`,
        verdict(idle.sockets.after <= idle.sockets.before + 5, 'after ≈ before'),
      ],
      [
        'Open file descriptors of the process (both ends): before / during / after',
        `${idle.fds.before ?? '—'} / ${idle.fds.during ?? '—'} / ${idle.fds.after ?? '—'}`,
        idle.fds.before === undefined || idle.fds.after === undefined
          ? '—'
          : verdict(idle.fds.after <= idle.fds.before + 5, 'after ≈ before'),
      ],
    ],
    notes: [
      `Event-log Queries on the followed reports per second around the close (t = 0): ${perSecond}.`,
      'Closed from the client side (sockets destroyed on the client thread); locally the Function URL shim turns the ' +
        'disconnect into cancel() of the SSE body, which aborts the loop’s sleep. Timers and sockets: ' +
        'process.getActiveResourcesInfo() on the main thread (server side) before opening the connections, at the end ' +
        'of the loaded window, and after the idle wait. The before figure includes the pollers’ and the keep-alive ' +
        'sockets of the stack; each SSE loop holds one timer while it sleeps, each connection one socket.',
    ],
  };
}

function cpuTable(run: RunFacts): BenchTable {
  const cores = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
  const percent = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value * 100)} %`);
  const rows = [run.concurrent, run.loaded].map((row) => {
    const cpu = row.cpu;
    return [
      row === run.loaded
        ? `${row.clients} generations + ${run.settings.sseConnections} SSE (loaded window)`
        : `${row.clients} generations, no SSE (baseline window)`,
      cpu?.machineCores === undefined ? '—' : `${cores(cpu.machineCores)} of ${cpu.cores}`,
      cores(cpu?.processCores),
      percent(cpu?.mainLoop),
      row === run.loaded ? percent(cpu?.workerLoop) : '—',
      percent(row.icpLoop),
      cores(cpu?.otherCores),
      cpu?.machineCores === undefined || cpu.otherCores === undefined
        ? '—'
        : cores(cpu.machineCores - cpu.processCores - cpu.otherCores),
    ];
  });
  const estimate = mainThreadCostEstimate(run);
  return {
    title: 'CPU during the generation windows (cores busy, averaged over the window)',
    columns: [
      { header: 'Window' },
      { header: 'Machine', align: 'right' },
      { header: 'Node process (all threads)', align: 'right' },
      { header: 'Main thread event loop', align: 'right' },
      { header: 'SSE client thread', align: 'right' },
      { header: 'ICP client thread', align: 'right' },
      { header: 'DynamoDB Local JVM', align: 'right' },
      { header: 'Other processes', align: 'right' },
    ],
    rows,
    notes: [
      'As in chat-throughput (support/cpu-usage.ts): process.cpuUsage(), event-loop utilisation per thread, /proc for ' +
        'the JVM and the machine, sampled by timers on the main thread at the window’s start and end. A main-thread ' +
        'event loop near 100 % means the server side is bound to one core: every SSE loop, every generation and ' +
        'the local model endpoint share it. Other processes = machine − Node process − JVM: anything else running ' +
        'on the machine at the time (well above 0.1 means the run was disturbed; rerun it).',
      ...(estimate ? [estimate] : []),
    ],
  };
}

/**
 * Rough split of the loaded window's main-thread time: the baseline window gives main-thread busy time per
 * generation (model endpoint, AI SDK, handler); what the loaded window's generations do not explain is charged
 * to the SSE polls (loop, Query through the SDK, writes of events).
 */
function mainThreadCostEstimate(run: RunFacts): string | undefined {
  const busyMs = (row: GenerationRow) => {
    const seconds = (row.result.windowEnd - row.result.windowStart) / 1000;
    return row.cpu ? row.cpu.mainLoop * seconds * 1000 : undefined;
  };
  const baselineBusy = busyMs(run.concurrent);
  const loadedBusy = busyMs(run.loaded);
  const queries = run.calls.countBetween('sse.query', run.windowStart, run.windowEnd);
  if (baselineBusy === undefined || loadedBusy === undefined || run.concurrent.result.completedInWindow === 0) return;
  if (queries === 0) return;
  const perGeneration = baselineBusy / run.concurrent.result.completedInWindow;
  const left = loadedBusy - perGeneration * run.loaded.result.completedInWindow;
  return (
    `Estimate: the baseline window’s main thread was busy ${ms(perGeneration)} per generation; at that rate the ` +
    `loaded window’s ${run.loaded.result.completedInWindow} generations explain ` +
    `${Math.round((100 * perGeneration * run.loaded.result.completedInWindow) / loadedBusy)} % of its busy time, and the ` +
    `rest is about ${ms(left / queries)} of main-thread time per SSE poll (${queries} event-log Queries, each with its ` +
    'loop turn and, after a write, the event sent).'
  );
}

// ---------------------------------------------------------------------------------------------------------------

/** Small deterministic PRNG (mulberry32), as in report-pipeline.ts: the same gaps on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

function ms(value: number): string {
  if (Number.isNaN(value)) return '—';
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

function verdict(pass: boolean, target: string): string {
  return `${target} ${pass ? 'PASS' : 'MISS'}`;
}
