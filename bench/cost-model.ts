/**
 * Cost model: dollars per 1,000 ICPs and per report, excluding model tokens, derived from
 * request counts measured on the local stack. Every Lambda invocation is metered by wrapping the three handlers
 * (support/lambda-meter.ts), every DynamoDB call of the handlers' shared client is recorded with the capacity
 * DynamoDB Local reports (support/dynamo-capacity.ts), and the SQS stand-in's requests are counted
 * (support/sqs-requests.ts). Model time, which the instant offline model hides, is an explicit assumption.
 * Runs in its own process (see support/child-process-module.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FunctionName, functionDefinitions } from '../lib/definitions/functions.ts';
import { reportQueue } from '../lib/definitions/queues.ts';
import type { ModelEvent, ModelGenerator } from '../local/bedrock/converse-types.ts';
import { createOfflineGenerator } from '../local/bedrock/offline-generator.ts';
import type { RunningLocalStack } from '../local/local-stack.ts';
import { type CapacityCall, entityOf, isRead, recordDynamoCapacity, requestUnits } from './cost-model/request-units.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { LambdaMeter, type MeteredInvocation } from './support/lambda-meter.ts';
import { createRunningReport } from './support/running-report.ts';
import { integerFromEnv, runCount } from './support/runs.ts';
import { countSqsRequests, type SqsRequest } from './support/sqs-requests.ts';
import { type SseClient, startSseClient } from './support/sse-client.ts';
import { type BenchModule, type BenchTable, headline } from './support/table.ts';
import { benchPartners } from './support/tenant-data.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

/** us-east-1 list prices, November 2026 — check the live pricing pages. */
const prices = {
  label: 'us-east-1 list prices, November 2026 — check the live pricing pages',
  /** Lambda on Arm (the functions are ARM_64), first pricing tier. */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** Lambda response streaming: bytes beyond the first 6 MB of each response. The rate is to be checked. */
  streamedPerGb: 0.008,
  streamedFreeBytesPerResponse: 6 * 1024 * 1024,
  /** DynamoDB on-demand. */
  perWru: 0.625 / 1e6,
  perRru: 0.125 / 1e6,
  /** SQS standard queue, per request (each 64 KB chunk of a payload; report jobs are < 1 KB). */
  perSqsRequest: 0.4 / 1e6,
  // DynamoDB Streams: GetRecords calls made by Lambda event source mappings are free.
} as const;

const reportType = 'executive-summary';
const operations = {
  icpCold: 'ICP miss, first request (cold credentials)',
  icpMiss: 'ICP miss (warm credentials)',
  icpHit: 'ICP hit',
  reportInstant: 'Report, instant model',
  reportPaced: 'Report, sections streamed over the assumed time',
  sseIdle: 'Idle SSE connection',
} as const;

export const costModel: BenchModule = {
  name: 'cost-model',
  run: () => runInChildProcess(import.meta.url, 'measureCostModel'),
};

interface Settings {
  icpRuns: number;
  /** Assumed model time of one ICP generation (the HTTP function streams it). */
  icpModelSeconds: number;
  /** Assumed model time of one report section (the worker runs `concurrency` at a time). */
  sectionModelSeconds: number;
  idleSeconds: number;
}

function readSettings(): Settings {
  return {
    icpRuns: runCount(20),
    icpModelSeconds: secondsFromEnv('BENCH_COST_ICP_MODEL_S', 10),
    sectionModelSeconds: secondsFromEnv('BENCH_COST_SECTION_MODEL_S', 8),
    idleSeconds: integerFromEnv('BENCH_COST_IDLE_SECONDS', 30),
  };
}

function secondsFromEnv(name: string, defaultValue: number): number {
  const raw = process.env[name] ?? String(defaultValue);
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of seconds ≥ 0, got "${raw}"`);
  return value;
}

type Stores = Awaited<ReturnType<typeof importStores>>;

/** Imported after startLocalStack has set the environment (as local/start.ts does). */
async function importStores() {
  const [dynamo, reportStore, icp, reportTypes, sse] = await Promise.all([
    import('../functions/stores/dynamo.ts'),
    import('../functions/stores/report-store.ts'),
    import('../functions/domain/strategy/icp.ts'),
    import('../functions/domain/reports/report-types.ts'),
    import('../functions/domain/reports/sse.ts'),
  ]);
  return { ...dynamo, ...reportStore, ...icp, ...reportTypes, ...sse };
}

interface Bench {
  stack: RunningLocalStack;
  stores: Stores;
  meter: LambdaMeter;
  calls: readonly CapacityCall[];
  sqs: SqsRequest[];
  http: WorkerClient;
  sse: SseClient;
  organisationId: string;
  issueKey(label: string): Promise<Authorization>;
  /** Model pacing: 0 = instant; otherwise every model answer is streamed over this many ms. */
  pace: { totalMs: number };
}

interface ReportRun {
  /** SSE events the client received (section.completed partials and completions, then job.completed). */
  events: number;
}

interface IdleRun {
  windowMs: number;
  /** First event-log Query of the connection: the window starts here. */
  from: number;
}

export async function measureCostModel(): Promise<BenchTable[]> {
  const settings = readSettings();
  const meter = new LambdaMeter();
  const pace = { totalMs: 0 };
  let benchStack: BenchStack | undefined;
  const cleanup: Array<() => unknown> = [];
  try {
    benchStack = await startBenchStack({
      tenant: 'Cost model benchmark',
      localBedrock: { generator: pacedOfflineGenerator(pace) },
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
    for (const partner of benchPartners) await createPartner(bench, mainKey, partner);

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
    await getOrganisation(bench, icpKey);
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

/**
 * The offline generator, optionally slowed so that each answer's deltas are spread evenly over
 * `pace.totalMs`: a section then streams like a model that takes that long, and the worker writes its
 * partials (at most every 500 ms) as it would for real.
 */
function pacedOfflineGenerator(pace: { totalMs: number }): ModelGenerator {
  const offline = createOfflineGenerator();
  const isDelta = (event: ModelEvent) => event.type === 'text' || event.type === 'tool-input';
  return {
    name: 'offline (paced)',
    async *generate(request, context) {
      const events: ModelEvent[] = [];
      for await (const event of offline.generate(request, context)) events.push(event);
      const deltas = events.filter(isDelta).length;
      const gapMs = pace.totalMs > 0 && deltas > 0 ? pace.totalMs / deltas : 0;
      for (const event of events) {
        if (gapMs > 0 && isDelta(event)) await sleep(gapMs, undefined, { signal: context.signal }).catch(() => {});
        yield event;
      }
    },
  };
}

type Authorization = Record<string, string>;

const url = (bench: Bench, path: string) => new URL(path, bench.stack.baseUrl);

async function createPartner(bench: Bench, authorization: Authorization, partner: object): Promise<void> {
  const response = await fetch(url(bench, '/api/partners'), {
    method: 'POST',
    headers: { ...authorization, 'content-type': 'application/json' },
    body: JSON.stringify(partner),
  });
  if (response.status !== 201) throw new Error(`POST /api/partners: HTTP ${response.status}: ${await response.text()}`);
  await bench.meter.settle(0);
}

async function getOrganisation(bench: Bench, authorization: Authorization): Promise<void> {
  const response = await fetch(url(bench, '/api/organisation'), { headers: authorization });
  if (response.status !== 200) throw new Error(`GET /api/organisation: HTTP ${response.status}`);
  await response.arrayBuffer();
  await bench.meter.settle(0);
}

async function postIcp(
  bench: Bench,
  authorization: Authorization,
  company: string,
  expected: 'hit' | 'miss',
): Promise<void> {
  const response = await bench.http.post(url(bench, '/api/ai/icp'), { company }, authorization);
  if (response.status !== 200)
    throw new Error(`ICP ${company}: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  if (response.headers['x-cache'] !== expected) {
    throw new Error(`ICP ${company}: expected x-cache ${expected}, got ${String(response.headers['x-cache'])}`);
  }
  bench.stores.icpResultSchema.parse(JSON.parse(response.body));
  // The handler's promise settles just after the client has read the end of the body.
  await bench.meter.settle(20);
}

async function runReport(bench: Bench, authorization: Authorization): Promise<ReportRun> {
  const tag = randomUUID();
  const response = await bench.http.post(
    url(bench, '/api/ai/strategy/executive-summary/generate'),
    { orgName: `Cost ${tag}`, domain: 'bench.example', reportType, filterFingerprint: tag },
    authorization,
  );
  if (response.status !== 202) throw new Error(`generate: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  const { reportId, jobId } = JSON.parse(response.body) as { reportId: string; jobId: string | null };
  if (!jobId) throw new Error('generate joined a running report instead of starting one');
  const connection = await bench.sse.open(streamUrl(bench, reportId), authorization);
  const terminal = await connection
    .waitFor((event) => event.event.startsWith('job.'), 120_000 + 4 * bench.pace.totalMs)
    .finally(() => connection.close());
  if (terminal.event !== 'job.completed') throw new Error(`Report ${reportId}: ${terminal.event} ${terminal.data}`);
  const completed = new Set(
    connection.events
      .filter((event) => event.event === 'section.completed' && JSON.parse(event.data).status === 'completed')
      .map((event) => JSON.parse(event.data).sectionId as string),
  );
  const planned = bench.stores.sectionPlans[reportType].length;
  if (completed.size !== planned) throw new Error(`Report ${reportId}: ${completed.size} of ${planned} sections`);
  // The worker's lock release and the poller's DeleteMessageBatch come after job.completed.
  await bench.meter.settle(500);
  return { events: connection.events.length };
}

const streamUrl = (bench: Bench, reportId: string) =>
  url(bench, `/api/ai/strategy/executive-summary/stream?reportId=${reportId}`);

async function measureIdleConnection(bench: Bench, windowMs: number): Promise<IdleRun> {
  // Written by the benchmark itself (outside any metered invocation, so not counted): a report that stays running.
  const reportId = await createRunningReport(bench.stores, {
    organisationId: bench.organisationId,
    orgName: 'Idle',
    domain: 'bench.example',
    what: 'The idle report',
  });
  const authorization = await bench.issueKey('cost-model-idle');
  // The report's INSERT reaches the projector (which writes nothing for it) before the connection is counted.
  await bench.meter.settle(500);
  bench.meter.operation = operations.sseIdle;
  const connection = await bench.sse.open(streamUrl(bench, reportId), authorization);
  let from: number | undefined;
  while (from === undefined) {
    from = bench.calls.find(
      (call) => call.tag.operation === operations.sseIdle && call.command === 'QueryCommand',
    )?.start;
    await sleep(10);
  }
  await sleep(Math.max(0, from + windowMs - performance.now()));
  connection.close();
  await bench.meter.settle(300);
  if (connection.events.length > 0) throw new Error('The idle connection received events');
  bench.meter.operation = 'setup';
  await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
  return { windowMs, from };
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

const functionNames = Object.keys(functionDefinitions) as FunctionName[];
const gigabytes = (name: FunctionName) => functionDefinitions[name].memoryMiB / 1024;
/** Lambda bills duration rounded up to the millisecond. */
const billedMs = (invocation: MeteredInvocation) => Math.ceil(invocation.end - invocation.start);

interface Figures {
  /** Requests (ICP rows) the totals are divided by. */
  per: number;
  invocations: Record<FunctionName, number>;
  /** Stream records delivered to the projector (after the event filter). */
  projectedRecords: number;
  reads: number;
  writes: number;
  rru: number;
  wru: number;
  sqs: { send: number; receive: number; delete: number };
  streamedBytes: number;
  /** Streamed bytes above the free 6 MB, summed per response. */
  chargeableBytes: number;
  billedMs: Record<FunctionName, number>;
}

function figuresOf(bench: Bench, operation: string, per = 1): Figures {
  const invocations = bench.meter.invocations.filter((invocation) => invocation.operation === operation);
  const calls = bench.calls.filter((call) => call.tag.operation === operation);
  const of = (name: FunctionName) => invocations.filter((invocation) => invocation.functionName === name);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const units = calls.map(requestUnits);
  const sqs = bench.sqs.filter((request) => request.operation === operation);
  const http = of('httpApi');
  return {
    per,
    invocations: Object.fromEntries(functionNames.map((name) => [name, of(name).length / per])) as Record<
      FunctionName,
      number
    >,
    projectedRecords: sum(of('streamProjector').map((invocation) => invocation.records)) / per,
    reads: calls.filter((call) => isRead(call.command)).length / per,
    writes: calls.filter((call) => !isRead(call.command)).length / per,
    rru: sum(units.map((unit) => unit.rru)) / per,
    wru: sum(units.map((unit) => unit.wru)) / per,
    sqs: {
      send: sqs.filter((request) => request.action === 'SendMessage').length / per,
      // The event source mapping's receive that returned this batch: one per worker invocation.
      receive: of('reportWorker').length / per,
      delete: sqs.filter((request) => request.action.startsWith('DeleteMessage')).length / per,
    },
    streamedBytes: sum(http.map((invocation) => invocation.streamedBytes)) / per,
    chargeableBytes:
      sum(http.map((invocation) => Math.max(0, invocation.streamedBytes - prices.streamedFreeBytesPerResponse))) / per,
    billedMs: Object.fromEntries(functionNames.map((name) => [name, sum(of(name).map(billedMs)) / per])) as Record<
      FunctionName,
      number
    >,
  };
}

/** The HTTP invocation of one route in an operation (a report has the POST and the SSE GET). */
function httpInvocation(bench: Bench, operation: string, route: 'POST' | 'GET'): MeteredInvocation {
  const found = bench.meter.invocations.find(
    (invocation) =>
      invocation.operation === operation &&
      invocation.functionName === 'httpApi' &&
      invocation.route?.startsWith(`${route} `),
  );
  if (!found) throw new Error(`${operation}: no ${route} invocation was metered`);
  return found;
}

interface Cost {
  compute: number;
  requests: number;
  dynamo: number;
  sqs: number;
  streaming: number;
}

const total = (cost: Cost) => cost.compute + cost.requests + cost.dynamo + cost.sqs + cost.streaming;
const scaled = (cost: Cost, factor: number): Cost => ({
  compute: cost.compute * factor,
  requests: cost.requests * factor,
  dynamo: cost.dynamo * factor,
  sqs: cost.sqs * factor,
  streaming: cost.streaming * factor,
});

function costOf(figures: Figures, gbSeconds: number): Cost {
  const invocations = functionNames.reduce((sum, name) => sum + figures.invocations[name], 0);
  return {
    compute: gbSeconds * prices.lambdaPerGbSecond,
    requests: invocations * prices.lambdaPerRequest,
    dynamo: figures.rru * prices.perRru + figures.wru * prices.perWru,
    sqs: (figures.sqs.send + figures.sqs.receive + figures.sqs.delete) * prices.perSqsRequest,
    streaming: (figures.chargeableBytes / 1024 ** 3) * prices.streamedPerGb,
  };
}

/** One row of the Lambda duration table. */
interface ComputeLine {
  operation: string;
  functionName: FunctionName;
  measuredMs: number;
  assumedModelMs: number;
  note: string;
}

const gbSecondsOf = (lines: ComputeLine[]) =>
  lines.reduce((sum, line) => sum + gigabytes(line.functionName) * ((line.measuredMs + line.assumedModelMs) / 1000), 0);

function buildTables(
  bench: Bench,
  settings: Settings,
  runs: { instant: ReportRun; paced: ReportRun; idle: IdleRun },
): BenchTable[] {
  const concurrency = Number(process.env.REPORT_SECTION_CONCURRENCY);
  const sections = bench.stores.sectionPlans[reportType].length;
  const waves = Math.ceil(sections / concurrency);
  const reportModelMs = waves * settings.sectionModelSeconds * 1000;
  const icpModelMs = settings.icpModelSeconds * 1000;
  const sseTimeoutMs = Number(process.env.SSE_TIMEOUT_MS);
  const heartbeatMs = Number(process.env.SSE_HEARTBEAT_MS);

  const icpCold = figuresOf(bench, operations.icpCold);
  const icpMiss = figuresOf(bench, operations.icpMiss, settings.icpRuns);
  const icpHit = figuresOf(bench, operations.icpHit, settings.icpRuns);
  const reportInstant = figuresOf(bench, operations.reportInstant);
  const reportPaced = figuresOf(bench, operations.reportPaced);
  const idle = idleFigures(bench, runs.idle, { sseTimeoutMs, heartbeatMs });

  // Lambda durations: measured non-model time + assumed model time.
  const instantSse = httpInvocation(bench, operations.reportInstant, 'GET');
  const pacedSse = httpInvocation(bench, operations.reportPaced, 'GET');
  const computeLines: ComputeLine[] = [
    {
      operation: 'ICP miss',
      functionName: 'httpApi',
      measuredMs: icpMiss.billedMs.httpApi,
      assumedModelMs: icpModelMs,
      note: `mean of ${settings.icpRuns}; the function streams the model's answer`,
    },
    {
      operation: 'ICP hit',
      functionName: 'httpApi',
      measuredMs: icpHit.billedMs.httpApi,
      assumedModelMs: 0,
      note: `mean of ${settings.icpRuns}; no model call`,
    },
    {
      operation: 'Report: POST generate',
      functionName: 'httpApi',
      measuredMs: billedMs(httpInvocation(bench, operations.reportInstant, 'POST')),
      assumedModelMs: 0,
      note: '202 after the lock transaction, quota and SendMessage',
    },
    {
      operation: 'Report: worker',
      functionName: 'reportWorker',
      measuredMs: reportInstant.billedMs.reportWorker,
      assumedModelMs: reportModelMs,
      note: `${sections} sections, ${concurrency} at a time: ${waves} waves × ${settings.sectionModelSeconds} s`,
    },
    {
      operation: 'Report: stream projector',
      functionName: 'streamProjector',
      measuredMs: reportPaced.billedMs.streamProjector,
      assumedModelMs: 0,
      note: `${reportPaced.invocations.streamProjector} invocations (paced run: partials included)`,
    },
    {
      operation: 'Report: SSE connection',
      functionName: 'httpApi',
      measuredMs: billedMs(instantSse),
      assumedModelMs: reportModelMs,
      note: 'open from the 202 until job.completed: it waits for the worker',
    },
  ];
  const icpLines = (operation: string) => computeLines.filter((line) => line.operation === operation);
  const reportLines = computeLines.filter((line) => line.operation.startsWith('Report'));
  const sseHourLine: ComputeLine = {
    operation: 'SSE connection-hour',
    functionName: 'httpApi',
    measuredMs: 3_600_000,
    assumedModelMs: 0,
    note: `the function runs for the whole connection; one invocation per ${sseTimeoutMs / 1000} s (SSE_TIMEOUT_MS)`,
  };

  const costs = {
    icpMiss: scaled(costOf(icpMiss, gbSecondsOf(icpLines('ICP miss'))), 1000),
    icpHit: scaled(costOf(icpHit, gbSecondsOf(icpLines('ICP hit'))), 1000),
    report: costOf(reportPaced, gbSecondsOf(reportLines)),
    sseHour: idle.hourCost(gbSecondsOf([sseHourLine])),
  };

  return [
    countsTable(settings, { icpCold, icpMiss, icpHit, reportInstant, reportPaced }, idle, runs, sections),
    dynamoTable(bench, settings),
    computeTable(settings, [...computeLines, sseHourLine], {
      pacedWorkerMs: reportPaced.billedMs.reportWorker,
      pacedSseMs: billedMs(pacedSse),
    }),
    dollarsTable(settings, costs, { icpCold, icpMiss }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Idle SSE connection

interface IdleFigures {
  windowMs: number;
  connect: { reads: number; rru: number };
  window: { queries: number; gets: number; rru: number };
  perMinute: { queries: number; gets: number; rru: number; bytes: number };
  bytes: number;
  /** One connection of SSE_TIMEOUT_MS, extrapolated from the window with the steady-state rates. */
  perConnection: { rru: number; bytes: number };
  connectionsPerHour: number;
  hourCost(gbSeconds: number): Cost;
}

function idleFigures(
  bench: Bench,
  idle: IdleRun,
  { sseTimeoutMs, heartbeatMs }: { sseTimeoutMs: number; heartbeatMs: number },
): IdleFigures {
  const calls = bench.calls.filter((call) => call.tag.operation === operations.sseIdle);
  const rruOf = (list: CapacityCall[]) => list.reduce((sum, call) => sum + requestUnits(call).rru, 0);
  const connect = calls.filter((call) => call.start < idle.from);
  const inWindow = calls.filter((call) => call.start >= idle.from && call.start < idle.from + idle.windowMs);
  const half = idle.windowMs / 2;
  const steady = inWindow.filter((call) => call.start >= idle.from + half);
  const perMinute = (count: number) => (count * 60_000) / half;
  const invocation = bench.meter.invocations.find(
    (entry) => entry.operation === operations.sseIdle && entry.functionName === 'httpApi',
  );
  if (!invocation) throw new Error('The idle SSE connection was not metered');
  const { formatSseEvent, heartbeatComment, streamTimeoutEvent, startOfLogEventId } = bench.stores;
  const timeout = streamTimeoutEvent(randomUUID());
  const timeoutFrame = formatSseEvent({
    id: startOfLogEventId,
    event: timeout.type,
    data: JSON.stringify(timeout.data),
  });
  const steadyMinute = {
    queries: perMinute(steady.filter((call) => call.command === 'QueryCommand').length),
    gets: perMinute(steady.filter((call) => call.command === 'GetItemCommand').length),
    rru: perMinute(rruOf(steady)),
    bytes: (heartbeatComment.length * 60_000) / heartbeatMs,
  };
  const remainingMinutes = Math.max(0, sseTimeoutMs - idle.windowMs) / 60_000;
  const perConnection = {
    rru: rruOf(connect) + rruOf(inWindow) + steadyMinute.rru * remainingMinutes,
    bytes: invocation.streamedBytes + steadyMinute.bytes * remainingMinutes + Buffer.byteLength(timeoutFrame),
  };
  const connectionsPerHour = 3_600_000 / sseTimeoutMs;
  return {
    windowMs: idle.windowMs,
    connect: { reads: connect.length, rru: rruOf(connect) },
    window: {
      queries: inWindow.filter((call) => call.command === 'QueryCommand').length,
      gets: inWindow.filter((call) => call.command === 'GetItemCommand').length,
      rru: rruOf(inWindow),
    },
    perMinute: steadyMinute,
    bytes: invocation.streamedBytes,
    perConnection,
    connectionsPerHour,
    hourCost: (gbSeconds) => ({
      compute: gbSeconds * prices.lambdaPerGbSecond,
      requests: connectionsPerHour * prices.lambdaPerRequest,
      dynamo: connectionsPerHour * perConnection.rru * prices.perRru,
      sqs: 0,
      // Each connection streams far less than the free 6 MB.
      streaming: 0,
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

function countsTable(
  settings: Settings,
  figures: Record<'icpCold' | 'icpMiss' | 'icpHit' | 'reportInstant' | 'reportPaced', Figures>,
  idle: IdleFigures,
  runs: { instant: ReportRun; paced: ReportRun },
  sections: number,
): BenchTable {
  const row = (label: string, f: Figures, time: string) => [
    label,
    `${count(f.invocations.httpApi)} / ${count(f.invocations.reportWorker)} / ${count(f.invocations.streamProjector)}`,
    count(f.projectedRecords),
    `${count(f.reads)} / ${count(f.writes)}`,
    units(f.rru),
    units(f.wru),
    `${count(f.sqs.send)} / ${count(f.sqs.receive)} / ${count(f.sqs.delete)}`,
    bytes(f.streamedBytes),
    time,
  ];
  const reportTime = (f: Figures) =>
    `worker ${ms(f.billedMs.reportWorker)}, projector ${ms(f.billedMs.streamProjector)}, HTTP ${ms(f.billedMs.httpApi)}`;
  return {
    title: 'Cost model: measured counts per operation (local stack, DynamoDB Local, SQS stand-in)',
    columns: [
      { header: 'Operation' },
      { header: 'Lambda invocations (HTTP / worker / projector)', align: 'right' },
      { header: 'Stream records projected', align: 'right' },
      { header: 'DynamoDB calls (reads / writes)', align: 'right' },
      { header: 'RRU', align: 'right' },
      { header: 'WRU', align: 'right' },
      { header: 'SQS requests (send / receive / delete)', align: 'right' },
      { header: 'Bytes streamed', align: 'right' },
      { header: 'Measured handler time' },
    ],
    rows: [
      row(operations.icpCold, figures.icpCold, `HTTP ${ms(figures.icpCold.billedMs.httpApi)} (instant model)`),
      row(
        `${operations.icpMiss}, mean of ${settings.icpRuns}`,
        figures.icpMiss,
        `HTTP ${ms(figures.icpMiss.billedMs.httpApi)} (instant model)`,
      ),
      row(
        `${operations.icpHit}, mean of ${settings.icpRuns}`,
        figures.icpHit,
        `HTTP ${ms(figures.icpHit.billedMs.httpApi)}`,
      ),
      row(
        `${reportType} report (${runs.instant.events} SSE events), instant model`,
        figures.reportInstant,
        reportTime(figures.reportInstant),
      ),
      row(
        `${reportType} report (${runs.paced.events} SSE events), each section streamed over ${settings.sectionModelSeconds} s`,
        figures.reportPaced,
        reportTime(figures.reportPaced),
      ),
      [
        `${operations.sseIdle}, per minute (steady state)`,
        `${count(60_000 / Number(process.env.SSE_TIMEOUT_MS))} / 0 / 0`,
        '0',
        `${count(idle.perMinute.queries + idle.perMinute.gets)} / 0`,
        units(idle.perMinute.rru),
        '0',
        '0 / 0 / 0',
        bytes(idle.perMinute.bytes),
        'the connection’s whole life',
      ],
    ],
    notes: [
      'Counted per operation on the local stack (startLocalStack with DynamoDB Local in memory, the SQS stand-in, ' +
        'both pollers and the local Bedrock endpoint answering instantly; handler logs at ERROR), one tenant ' +
        `with ${benchPartners.length} partners, no knowledge documents. Invocations are metered by wrapping the three ` +
        'handlers (support/lambda-meter.ts); each runs in an AsyncLocalStorage scope that tags its DynamoDB calls ' +
        '(SDK middleware on the handlers’ shared client, support/dynamo-capacity.ts). Untimed warm-up first ' +
        '(5 ICP misses, 1 hit, 1 report) after 600 direct DynamoDB Local calls.',
      'ICP misses use unique companies; the first request uses a freshly issued key, so it also reads the API key ' +
        'and the organisation (credentials are then remembered for 30 s per warm function); the warm rows run ' +
        'right after a request that refreshed them. ICP hits request the same companies again (x-cache: hit checked).',
      `Reports: ${reportType} (${sections} sections, REPORT_SECTION_CONCURRENCY ` +
        `${process.env.REPORT_SECTION_CONCURRENCY}), POST generate → SQS → worker → DynamoDB stream → projector → ` +
        'event log → one SSE client connected right after the 202, until job.completed. The paced row slows the ' +
        `local model so each answer streams over ${settings.sectionModelSeconds} s (BENCH_COST_SECTION_MODEL_S): ` +
        'the worker then writes partial sections (at most every 500 ms), each becoming a stream record, a projector ' +
        'write and an SSE event, and the SSE loop polls at its minimum while events flow. The dollar figures use it.',
      'Stream records projected: records delivered to the projector after the event filter (report and section ' +
        'writes); every other write also makes a stream record, filtered out at no cost. Projector invocations are ' +
        'the local stream poller’s batches (it polls every 100 ms when idle; Lambda polls each shard about 4 times a ' +
        'second, so batches on AWS are similar or larger and invocations similar or fewer).',
      'SQS: SendMessage and DeleteMessageBatch are counted at the SQS stand-in (node:http diagnostics channel). ' +
        'Receive = one ReceiveMessage per worker invocation (the event source mapping’s receive that returned the ' +
        'batch; the local poller’s empty short polls are a stand-in artefact and not counted). At low volume a batch ' +
        `holds one job; with ${reportQueue.batchSize} jobs per batch (batchSize) receive and delete are shared by 5.`,
      'Bytes streamed: everything the HTTP function wrote to its response stream, the 8-byte-delimited prelude ' +
        '(status and headers) included. ICP sizes are those of the offline model’s schema-valid answer.',
      'Measured handler time: sum of the billed durations (each rounded up to 1 ms). With the instant model it is ' +
        'the non-model time on this machine (a 512 MB Lambda has about 0.3 vCPU, so CPU-bound parts would take ' +
        'longer there); the paced row includes the paced model time and the SSE connection waiting for it.',
      `Idle SSE: one connection to a report that never produces anything, counted for ${idle.windowMs / 1000} s ` +
        `(BENCH_COST_IDLE_SECONDS) from its first poll; steady state = the second half of the window. Connecting ` +
        `cost ${idle.connect.reads} reads (${units(idle.connect.rru)} RRU: API key, organisation, report); the ` +
        `window had ${idle.window.queries} event-log Queries and ${idle.window.gets} status GetItems ` +
        `(${units(idle.window.rru)} RRU) and ${bytes(idle.bytes)} bytes.`,
    ],
  };
}

function dynamoTable(bench: Bench, settings: Settings): BenchTable {
  const shown: Array<[operation: string, per: number, label: string]> = [
    [operations.icpCold, 1, 'ICP miss, cold credentials'],
    [operations.icpMiss, settings.icpRuns, 'ICP miss'],
    [operations.icpHit, settings.icpRuns, 'ICP hit'],
    [operations.reportPaced, 1, 'Report (paced)'],
    [operations.sseIdle, 1, `Idle SSE (${settings.idleSeconds} s)`],
  ];
  const rows: string[][] = [];
  for (const [operation, per, label] of shown) {
    const groups = new Map<
      string,
      { functionName: FunctionName; command: string; entity: string; calls: CapacityCall[] }
    >();
    for (const call of bench.calls.filter((entry) => entry.tag.operation === operation)) {
      const entity = entityOf(call.input);
      const key = `${call.tag.functionName}|${call.command}|${entity}`;
      const group = groups.get(key) ?? {
        functionName: call.tag.functionName,
        command: call.command,
        entity,
        calls: [],
      };
      group.calls.push(call);
      groups.set(key, group);
    }
    const order = (name: FunctionName) => functionNames.indexOf(name);
    for (const group of [...groups.values()].sort(
      (a, b) => order(a.functionName) - order(b.functionName) || (a.calls[0]?.start ?? 0) - (b.calls[0]?.start ?? 0),
    )) {
      const computed = group.calls.map(requestUnits);
      const methods = [...new Set(computed.map((unit) => unit.method))].join(', ');
      const consistent = group.calls.some((call) => call.input.ConsistentRead === true) ? ' (consistent)' : '';
      rows.push([
        label,
        group.functionName,
        `${group.command.replace(/Command$/, '')}${consistent}`,
        group.entity,
        count(group.calls.length / per),
        units(computed.reduce((sum, unit) => sum + unit.rru, 0) / per),
        units(computed.reduce((sum, unit) => sum + unit.wru, 0) / per),
        methods,
      ]);
    }
  }
  return {
    title: 'Cost model: DynamoDB calls by function, command and item type (per operation)',
    columns: [
      { header: 'Operation' },
      { header: 'Function' },
      { header: 'Command' },
      { header: 'Item type (single table) / index' },
      { header: 'Calls', align: 'right' },
      { header: 'RRU', align: 'right' },
      { header: 'WRU', align: 'right' },
      { header: 'Units from' },
    ],
    rows,
    notes: [
      'Every call of the handlers’ shared document client asks for ReturnConsumedCapacity: INDEXES. "DynamoDB Local" = ' +
        'the CapacityUnits it returned (table + gsi1; it follows the AWS size rules for single-item reads and writes: ' +
        '4 KB read units, 0.5 for eventually consistent, 1 KB write units, the larger of the old and new item). ' +
        '"rule: empty page" = a Query that returned nothing, for which DynamoDB Local reports 0 but DynamoDB charges ' +
        'one read unit (0.5 RRU eventually consistent). "rule: transaction" = TransactWriteItems computed from the item ' +
        'sizes at 2 WRU per 1 KB per item plus the gsi1 write at the standard rate (DynamoDB Local reports twice that: ' +
        '4 per KB). Means per request for the ICP rows; the idle row covers its whole connection (connect, the measured ' +
        'window and the last poll before the close was noticed).',
    ],
  };
}

function computeTable(
  settings: Settings,
  lines: ComputeLine[],
  paced: { pacedWorkerMs: number; pacedSseMs: number },
): BenchTable {
  const worker = lines.find((line) => line.operation === 'Report: worker');
  const sse = lines.find((line) => line.operation === 'Report: SSE connection');
  return {
    title: 'Cost model: Lambda duration and GB-seconds (measured non-model time + assumed model time)',
    columns: [
      { header: 'Operation' },
      { header: 'Function (memory)' },
      { header: 'Measured', align: 'right' },
      { header: 'Assumed model time', align: 'right' },
      { header: 'Billed', align: 'right' },
      { header: 'GB-s', align: 'right' },
      { header: 'Notes' },
    ],
    rows: lines.map((line) => [
      line.operation,
      `${line.functionName} (${functionDefinitions[line.functionName].memoryMiB} MB)`,
      ms(line.measuredMs),
      line.assumedModelMs > 0 ? ms(line.assumedModelMs) : '—',
      ms(line.measuredMs + line.assumedModelMs),
      (gigabytes(line.functionName) * ((line.measuredMs + line.assumedModelMs) / 1000)).toFixed(3),
      line.note,
    ]),
    notes: [
      `Model time is assumed, not measured (the offline model answers instantly): ${settings.icpModelSeconds} s per ICP ` +
        `(BENCH_COST_ICP_MODEL_S) and ${settings.sectionModelSeconds} s per report section (BENCH_COST_SECTION_MODEL_S). ` +
        'The HTTP function is billed while it streams the model’s answer; the worker while its sections run.',
      `Check against the paced report run (local model slowed to the assumed section time): the worker ran ` +
        `${ms(paced.pacedWorkerMs)} (formula ${worker ? ms(worker.measuredMs + worker.assumedModelMs) : '?'}), the SSE ` +
        `connection ${ms(paced.pacedSseMs)} (formula ${sse ? ms(sse.measuredMs + sse.assumedModelMs) : '?'}).`,
      'Not included: init duration of cold starts (billed for managed runtimes; see the cold-start benchmark for the ' +
        'module-init share), and the HTTP function’s OPTIONS preflights from cross-origin browsers (one per ' +
        '10 minutes per client and URL: access-control-max-age 600).',
    ],
  };
}

function dollarsTable(
  settings: Settings,
  costs: { icpMiss: Cost; icpHit: Cost; report: Cost; sseHour: Cost },
  figures: { icpCold: Figures; icpMiss: Figures },
): BenchTable {
  const row = (label: string, cost: Cost) => [
    label,
    usd(cost.compute),
    usd(cost.requests),
    usd(cost.dynamo),
    usd(cost.sqs),
    usd(cost.streaming),
    usd(total(cost)),
  ];
  const coldExtraRru = figures.icpCold.rru - figures.icpMiss.rru;
  return {
    title: 'Cost model: dollars excluding model tokens (Bedrock tokens are billed separately and not included)',
    columns: [
      { header: 'Per' },
      { header: 'Lambda compute', align: 'right' },
      { header: 'Lambda requests', align: 'right' },
      { header: 'DynamoDB', align: 'right' },
      { header: 'SQS', align: 'right' },
      { header: 'Streamed bytes', align: 'right' },
      { header: 'Total', align: 'right' },
    ],
    rows: [
      row('1,000 ICPs (cache miss)', costs.icpMiss),
      row('1,000 ICPs (cache hit)', costs.icpHit),
      row(`1 ${reportType} report (with one SSE client)`, costs.report),
      row('1,000 reports', scaled(costs.report, 1000)),
      row('1 SSE connection-hour (idle)', costs.sseHour),
    ],
    notes: [
      `Prices: ${prices.label}. Lambda (Arm) $${prices.lambdaPerGbSecond} per GB-s and ` +
        `$${prices.lambdaPerRequest * 1e6} per million requests; response streaming: bytes beyond the first 6 MB of ` +
        `a response at $${prices.streamedPerGb} per GB (rate to be checked on the Lambda pricing page; every response ` +
        `here is far below 6 MB, so it is $0); DynamoDB on-demand $${prices.perWru * 1e6} per million WRU and ` +
        `$${prices.perRru * 1e6} per million RRU; SQS standard $${prices.perSqsRequest * 1e6} per million requests; ` +
        'DynamoDB Streams reads by Lambda event source mappings are free. Free tiers are ignored.',
      `Excluded: model tokens (Bedrock), the knowledge-base embedding call of each report, CloudWatch Logs ingestion, ` +
        'data transfer out, and the fixed costs that do not scale with use: PITR and storage of the table, the SQS ' +
        'event source mapping’s own long polls of the empty queue, alarms.',
      `Lambda compute = GB-s from the duration table × price. ICP miss: ${settings.icpModelSeconds} s of model time ` +
        `dominate; a first request with cold credentials adds ${units(coldExtraRru)} RRU (API key and organisation ` +
        'reads) and is otherwise the same.',
      'Report = the paced run’s DynamoDB, SQS and invocation counts, and the duration table’s report rows. SSE ' +
        'connection-hour = 512 MB for 3600 s, one invocation and one connect (with cold credentials) per ' +
        'SSE_TIMEOUT_MS, and the idle connection’s reads: the measured window, then the steady state.',
    ],
    headlines: [
      headline(
        `Cost per 1,000 ICPs, cache miss (excl. model tokens; ${settings.icpModelSeconds} s model time assumed)`,
        usd(total(costs.icpMiss)),
        `cache hit: ${usd(total(costs.icpHit))}`,
      ),
      headline(
        `Cost per 1,000 ${reportType} reports (excl. model tokens; ${settings.sectionModelSeconds} s per section assumed)`,
        usd(total(scaled(costs.report, 1000))),
        '—',
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function units(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function bytes(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 1)} ms`;
}

/** Three significant figures, never in exponent notation. */
function usd(value: number): string {
  if (value === 0) return '$0';
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value))));
  return `$${value.toFixed(decimals)}`;
}
