/**
 * The report pipeline on the local stack: how fast a section write reaches an SSE client, how long a
 * report takes when its sections are generated concurrently against a model of fixed per-section latency, and
 * what an idle SSE connection costs in DynamoDB reads. Runs in its own process (see child-process-module.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportType } from '../functions/domain/reports/report-types.ts';
import { itemKeys } from '../functions/stores/item-keys.ts';
import { entityNames } from '../lib/definitions/table.ts';
import type { RunningLocalStack } from '../local/local-stack.ts';
import { mulberry32 } from '../test/fuzz/prng.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { type DynamoCall, type DynamoRecorder, recordDynamoCalls } from './support/dynamo-calls.ts';
import { verdict, wholeMs } from './support/format.ts';
import { createRunningReport } from './support/running-report.ts';
import { integerFromEnv, runCount } from './support/runs.ts';
import { type SseClient, startSseClient } from './support/sse-client.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, type HeadlineRow, headline } from './support/table.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

/**
 * Targets: a progress event reaches its client within a second, and a report whose sections all run at once
 * takes about one section's time.
 */
const deliveryMedianTargetMs = 1000;
const wallOverLTarget = 1.3;

/**
 * Defaults; BENCH_RUNS, BENCH_REPORT_RUNS, BENCH_SECTION_LATENCY_MS, BENCH_SECTION_PER_CHUNK_MS and
 * BENCH_SSE_IDLE_SECONDS override them.
 */
const defaultWrites = 20;
const defaultReportRuns = 3;
const defaultSectionLatencyMs = 1000;
const defaultPerChunkMs = 0;
const defaultIdleSeconds = 30;
/** Gaps between section writes: long enough for the adaptive poll to back off between them. */
const writeGapMs = { min: 200, max: 1500 };
/** A second row next to the cdk.json bounds, to show what the knob buys. */
const fastPollBounds = { minMs: 100, maxMs: 500 };
/** Same gap sequence for every row, so the rows differ only in their poll bounds. */
const writeGapSeed = 4;
/** DynamoDB on-demand, us-east-1 list price per million read request units (after the Nov 2024 price cut). */
const usdPerMillionRru = 0.125;
const rruPerEventuallyConsistentRead = 0.5;
const rruPerStronglyConsistentRead = 1;

export const reportPipeline: BenchModule = {
  name: 'report-pipeline',
  run: () => runInChildProcess(import.meta.url, 'measureReportPipeline'),
};

interface Settings {
  writes: number;
  reportRuns: number;
  /** The local model endpoint's time to first chunk (L when perChunkMs is 0) and delay before every later chunk. */
  sectionLatencyMs: number;
  perChunkMs: number;
  idleSeconds: number;
}

interface PollBounds {
  minMs: number;
  maxMs: number;
}

/** Everything the phases share; the stores are imported after the stack has set the environment. */
interface Bench {
  stack: RunningLocalStack;
  stores: Stores;
  organisationId: string;
  authorization: Record<string, string>;
  probe: DynamoRecorder<true>;
  /** Partition keys whose reads the probe records (the idle connection's report). */
  watchedPartitions: Set<string>;
  sse: SseClient;
  http: WorkerClient;
  defaults: PollBounds & { heartbeatMs: number; concurrency: number };
  /** Generous upper bound for one section, for timeouts only. */
  sectionTimeoutMs: number;
}

type Stores = Awaited<ReturnType<typeof importStores>>;

async function importStores() {
  const [reportStore, environment, ai, models, context, reportTypes, dynamo] = await Promise.all([
    import('../functions/stores/report-store.ts'),
    import('../functions/runtime/environment.ts'),
    import('ai'),
    import('../functions/ai/models.ts'),
    import('../functions/domain/reports/report-context.ts'),
    import('../functions/domain/reports/report-types.ts'),
    import('../functions/stores/dynamo.ts'),
  ]);
  return { ...reportStore, ...environment, ...ai, ...models, ...context, ...reportTypes, ...dynamo };
}

export async function measureReportPipeline(): Promise<BenchTable[]> {
  const settings: Settings = {
    writes: runCount(defaultWrites),
    reportRuns: integerFromEnv('BENCH_REPORT_RUNS', defaultReportRuns),
    sectionLatencyMs: integerFromEnv('BENCH_SECTION_LATENCY_MS', defaultSectionLatencyMs),
    perChunkMs: integerFromEnv('BENCH_SECTION_PER_CHUNK_MS', defaultPerChunkMs, 0),
    idleSeconds: integerFromEnv('BENCH_SSE_IDLE_SECONDS', defaultIdleSeconds),
  };
  let benchStack: BenchStack | undefined;
  let probe: DynamoRecorder<true> | undefined;
  let sse: SseClient | undefined;
  let http: WorkerClient | undefined;
  try {
    // By default every section's model call answers after L and all its chunks then arrive at once (see the notes).
    benchStack = await startBenchStack({
      tenant: 'Report pipeline benchmark',
      localBedrock: { latencyMs: { firstChunkMs: settings.sectionLatencyMs, perChunkMs: settings.perChunkMs } },
    });
    const { stack, tenant, dynamoWarmUp } = benchStack;
    const stores = await importStores();
    const watchedPartitions = new Set<string>();
    probe = recordDynamoCalls(stores.dynamo(), {
      select: (command, input) =>
        isWatchedRead(command, input, watchedPartitions) || isPipelineWrite(command, input) || undefined,
      capacity: (command, input) => (isWatchedRead(command, input, watchedPartitions) ? 'TOTAL' : undefined),
    });
    sse = startSseClient();
    http = startWorkerClient();
    const bench: Bench = {
      stack,
      stores,
      organisationId: tenant.organisationId,
      authorization: tenant.authorization,
      probe,
      watchedPartitions,
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

    // Phase 1 + 3: the idle connection is counted while the delivery rows run (only its own partition counts).
    const idle = await startIdleConnection(bench, settings.idleSeconds * 1000);
    const deliveryRows: DeliveryRow[] = [];
    for (const bounds of [bench.defaults, fastPollBounds]) {
      deliveryRows.push(await measureDelivery(bench, bounds, settings.writes));
    }
    setEnvironment(bench, { SSE_POLL_MIN_MS: bench.defaults.minMs, SSE_POLL_MAX_MS: bench.defaults.maxMs });
    const idleResult = await idle.finish();

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
      wallBreakdownTable(runs),
      idleTable(idleResult, bench.defaults),
    ];
  } finally {
    probe?.uninstall();
    await sse?.close();
    await http?.close();
    await benchStack?.stop();
  }
}

/** As the local stack does: set the variables, then drop the handlers' parsed copy. */
function setEnvironment(bench: Bench, variables: Record<string, number>): void {
  for (const [name, value] of Object.entries(variables)) process.env[name] = String(value);
  bench.stores.resetEnvironmentCache();
}

const keyOf = (input: Record<string, unknown>) => (input.Key ?? {}) as Record<string, unknown>;
const itemOf = (input: Record<string, unknown>) => (input.Item ?? {}) as Record<string, unknown>;
const valuesOf = (input: Record<string, unknown>) => (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
const reportPartition = (reportId: string) => itemKeys.report(reportId).pk;

/** The SSE loop's reads of a watched report: event-log Query and report-status GetItem. */
function isWatchedRead(command: string, input: Record<string, unknown>, watched: Set<string>): boolean {
  if (command === 'QueryCommand') return watched.has(String(valuesOf(input)[':pk']));
  if (command === 'GetItemCommand') return watched.has(String(keyOf(input).pk));
  return false;
}

/** Section writes, the projector's event-log writes and the report's final status update. */
function isPipelineWrite(command: string, input: Record<string, unknown>): boolean {
  if (command === 'PutItemCommand') {
    const entity = itemOf(input).entity;
    return entity === entityNames.reportSection || entity === entityNames.reportEvent;
  }
  const reportSortKey = itemKeys.report('').sk;
  return (
    command === 'UpdateItemCommand' && keyOf(input).sk === reportSortKey && valuesOf(input)[':status'] !== undefined
  );
}

const benchReport = (bench: Bench) => ({
  organisationId: bench.organisationId,
  orgName: 'Bench',
  domain: 'bench.example',
  what: 'A benchmark report',
});

const streamUrl = (bench: Bench, reportId: string) =>
  new URL(`/api/ai/strategy/executive-summary/stream?reportId=${reportId}`, bench.stack.baseUrl);

const dataOf = (data: string) => JSON.parse(data) as { reportId?: string; sectionId?: string; status?: string };

// ---------------------------------------------------------------------------------------------------------------
// 1. SSE delivery latency

interface DeliveryRow {
  bounds: PollBounds;
  /** write completed → event received, per write */
  latencies: number[];
  /** write completed → the projector's event-log Put started (stream record fetched by the poller) */
  toProjector: number[];
  /** the projector's Put itself */
  projectorPut: number[];
  /** event-log Put completed → event received (waiting for the next SSE poll, the Query, the send) */
  toClient: number[];
  /** write call itself (PutItem on the section) */
  writeCall: number[];
}

async function measureDelivery(bench: Bench, bounds: PollBounds, writes: number): Promise<DeliveryRow> {
  setEnvironment(bench, { SSE_POLL_MIN_MS: bounds.minMs, SSE_POLL_MAX_MS: bounds.maxMs });
  const reportId = await createRunningReport(bench.stores, benchReport(bench));
  const connection = await bench.sse.open(streamUrl(bench, reportId), bench.authorization);
  const random = mulberry32(writeGapSeed);
  const written: Array<{ sectionId: string; startedAt: number; writtenAt: number }> = [];
  try {
    for (let index = 0; index < writes; index++) {
      await sleep(writeGapMs.min + random() * (writeGapMs.max - writeGapMs.min));
      const sectionId = `bench-${index}`;
      const startedAt = performance.now();
      await bench.stores.putReportSection(bench.organisationId, {
        reportId,
        sectionId,
        position: index,
        status: 'completed',
        payload: { title: sectionId, summary: `About ${sectionId}.`, highlights: ['one'], metrics: [] },
        generatedAt: new Date().toISOString(),
      });
      written.push({ sectionId, startedAt, writtenAt: performance.now() });
    }
    await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
    await connection.waitFor((event) => event.event === 'job.completed', 15_000);
  } finally {
    connection.close();
  }

  const row: DeliveryRow = { bounds, latencies: [], toProjector: [], projectorPut: [], toClient: [], writeCall: [] };
  const sectionEvents = connection.events.filter((event) => event.event === 'section.completed');
  const received = sectionEvents.map((event) => dataOf(event.data).sectionId);
  const expected = written.map((write) => write.sectionId);
  if (received.join() !== expected.join()) {
    throw new Error(`SSE delivered ${received.join(', ')}; expected each of ${expected.join(', ')} once, in order`);
  }
  for (const [index, write] of written.entries()) {
    const event = sectionEvents[index];
    const projected = bench.probe.calls.find(
      (call) =>
        call.ok &&
        itemOf(call.input).entity === entityNames.reportEvent &&
        (itemOf(call.input).data as { reportId?: string; sectionId?: string }).reportId === reportId &&
        (itemOf(call.input).data as { sectionId?: string }).sectionId === write.sectionId,
    );
    if (!event || !projected) throw new Error(`No event or projection found for ${write.sectionId}`);
    row.latencies.push(event.receivedAt - write.writtenAt);
    row.toProjector.push(projected.start - write.writtenAt);
    row.projectorPut.push(projected.end - projected.start);
    row.toClient.push(event.receivedAt - projected.end);
    row.writeCall.push(write.writtenAt - write.startedAt);
  }
  return row;
}

function deliveryTable(
  settings: Settings,
  rows: DeliveryRow[],
  dynamoWarmUp: { operations: number; ms: number },
): BenchTable {
  const [defaultRow, fastRow] = rows;
  const medianAndP95 = (row: DeliveryRow) =>
    `median ${wholeMs(median(row.latencies))}, p95 ${wholeMs(percentile(row.latencies, 95))}`;
  const bounds = (row: DeliveryRow) => `${row.bounds.minMs}–${row.bounds.maxMs} ms`;
  return {
    title: `SSE delivery latency: section write → event at the client (${settings.writes} writes per row)`,
    columns: [
      { header: 'SSE poll bounds (min–max)' },
      { header: 'Median', align: 'right' },
      { header: 'p95', align: 'right' },
      { header: 'Max', align: 'right' },
      { header: 'Write → projector Put (stream poller)', align: 'right' },
      { header: 'Projector Put', align: 'right' },
      { header: 'Event item → client (SSE poll)', align: 'right' },
      { header: 'Target' },
    ],
    rows: rows.map((row) => {
      const label = `${row.bounds.minMs}–${row.bounds.maxMs} ms${row === defaultRow ? ' (cdk.json default)' : ''}`;
      const latency = median(row.latencies);
      return [
        label,
        wholeMs(latency),
        wholeMs(percentile(row.latencies, 95)),
        wholeMs(Math.max(...row.latencies)),
        wholeMs(median(row.toProjector)),
        wholeMs(median(row.projectorPut)),
        wholeMs(median(row.toClient)),
        verdict(latency < deliveryMedianTargetMs, `median < ${deliveryMedianTargetMs} ms`),
      ];
    }),
    notes: [
      'startLocalStack() in this process: DynamoDB Local (in memory), the local stream poller driving the real stream ' +
        'projector, and the real SSE endpoint (GET /api/ai/strategy/executive-summary/stream) behind the Function URL ' +
        `shim. DynamoDB Local was first warmed with ${dynamoWarmUp.operations} direct calls ` +
        `(${(dynamoWarmUp.ms / 1000).toFixed(1)} s).`,
      'Client: raw node:http reader of the SSE body on a worker thread (own event loop), one connection per row, ' +
        'opened before the first write. The benchmark writes section items with putReportSection at gaps drawn ' +
        `uniformly from ${writeGapMs.min}–${writeGapMs.max} ms (fixed seed, same sequence in every row), so the ` +
        'adaptive poll backs off between writes as it would between real sections; then finishReport, and the ' +
        'stream must end with job.completed. Every section event must arrive exactly once, in order.',
      'Latency = putReportSection resolved → the chunk completing the event read by the client. Columns 5–7 are ' +
        'medians of its three consecutive parts, from an SDK middleware on the handlers’ DynamoDB client: until the ' +
        "projector's event-log Put starts (the local stream poller sleeps 100 ms when idle, then GetRecords; on AWS " +
        'this is the DynamoDB Streams event source mapping instead: Lambda polls each shard about 4 times a second, ' +
        'no batching window is configured, plus the invocation), the Put, ' +
        'then the wait for the next SSE poll (the interval grows ×1.5 from min to max while the log is quiet and ' +
        'resets to min after an event) plus the Query and the send.',
      `Section writes themselves (PutItem) took ${wholeMs(median(rows.flatMap((row) => row.writeCall)))} median.`,
    ],
    headlines: defaultRow
      ? [
          headline(
            `SSE delivery latency, write → client (poll ${bounds(defaultRow)}, cdk.json)`,
            medianAndP95(defaultRow),
            fastRow ? `poll ${bounds(fastRow)}: ${medianAndP95(fastRow)}` : '—',
            `median < ${deliveryMedianTargetMs} ms`,
            median(defaultRow.latencies) < deliveryMedianTargetMs,
          ),
        ]
      : [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Report wall time against the per-section model latency L

interface ModelLatency {
  samples: number[];
}

/** L: one section's model call as the worker makes it (same model, prompts, schema), without the writes. */
async function measureModelLatency(bench: Bench): Promise<ModelLatency> {
  const { streamText, Output, languageModel, reportSystemPrompt, sectionPrompt, summarisePartners } = bench.stores;
  const context = {
    reportType: 'quarterly-review',
    orgName: 'Bench',
    domain: 'bench.example',
    partners: summarisePartners([]),
    icp: undefined,
    ipp: undefined,
    knowledge: '',
  };
  const samples: number[] = [];
  for (const plan of bench.stores.sectionPlans['quarterly-review']) {
    const started = performance.now();
    const result = streamText({
      model: languageModel('reports'),
      system: reportSystemPrompt,
      prompt: sectionPrompt(context, plan),
      output: Output.object({ schema: bench.stores.sectionPayloadSchema }),
      maxRetries: 0,
    });
    for await (const _partial of result.partialOutputStream) {
      // drained, like generateSection does
    }
    await result.output;
    samples.push(performance.now() - started);
  }
  return { samples };
}

interface ReportRun {
  reportType: ReportType;
  sections: number;
  concurrency: number;
  sentAt: number;
  acceptedAt: number;
  firstModelRequestAt: number;
  lastSectionWrittenAt: number;
  completedAt: number;
  sseCompletedAt: number;
  sectionWrites: number;
}

async function runReport(bench: Bench, reportType: ReportType, concurrency: number): Promise<ReportRun> {
  setEnvironment(bench, { REPORT_SECTION_CONCURRENCY: concurrency });
  const sections = bench.stores.sectionPlans[reportType].length;
  // Unique: finds this run's model requests (the section prompt quotes orgName) and avoids the in-flight lock.
  const tag = randomUUID();
  const orgName = `Bench ${tag}`;
  const response = await bench.http.post(
    new URL('/api/ai/strategy/executive-summary/generate', bench.stack.baseUrl),
    { orgName, domain: 'bench.example', reportType, filterFingerprint: tag },
    bench.authorization,
  );
  if (response.status !== 202) throw new Error(`generate: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  const { reportId, jobId } = JSON.parse(response.body) as { reportId: string; jobId: string | null };
  if (!jobId) throw new Error('generate joined a running report instead of starting one');

  const connection = await bench.sse.open(streamUrl(bench, reportId), bench.authorization);
  const terminal = await connection
    .waitFor((event) => event.event.startsWith('job.'), 30_000 + 3 * sections * bench.sectionTimeoutMs)
    .finally(() => connection.close());
  if (terminal.event !== 'job.completed') throw new Error(`Report ${reportId}: ${terminal.event} ${terminal.data}`);
  const completedSections = new Set(
    connection.events
      .filter((event) => event.event === 'section.completed' && dataOf(event.data).status === 'completed')
      .map((event) => dataOf(event.data).sectionId),
  );
  if (completedSections.size !== sections) {
    throw new Error(`Report ${reportId}: ${completedSections.size} of ${sections} sections completed on the stream`);
  }

  const calls = bench.probe.calls.filter((call) => call.ok);
  const sectionWrites = calls.filter(
    (call) => itemOf(call.input).entity === entityNames.reportSection && itemOf(call.input).reportId === reportId,
  );
  const finished = calls.find(
    (call: DynamoCall) =>
      call.command === 'UpdateItemCommand' &&
      keyOf(call.input).pk === reportPartition(reportId) &&
      valuesOf(call.input)[':status'] === 'completed',
  );
  const modelRequests = (bench.stack.localBedrock?.requests ?? []).filter((request) =>
    JSON.stringify(request.body).includes(tag),
  );
  if (!finished || sectionWrites.length === 0 || modelRequests.length !== sections) {
    throw new Error(`Report ${reportId}: incomplete trace (${modelRequests.length} model requests)`);
  }
  return {
    reportType,
    sections,
    concurrency,
    sentAt: response.sentAt,
    acceptedAt: response.endAt,
    firstModelRequestAt:
      Math.min(...modelRequests.map((request) => Date.parse(request.receivedAt))) - performance.timeOrigin,
    lastSectionWrittenAt: Math.max(...sectionWrites.map((call) => call.end)),
    completedAt: finished.end,
    sseCompletedAt: terminal.receivedAt,
    sectionWrites: sectionWrites.length,
  };
}

const wallOf = (run: ReportRun) => run.completedAt - run.sentAt;

function groupRuns(runs: ReportRun[]): ReportRun[][] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const key = `${run.reportType}/${run.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].sort((a, b) => {
    const [first, second] = [a[0] as ReportRun, b[0] as ReportRun];
    return first.sections - second.sections || second.concurrency - first.concurrency;
  });
}

function wallTable(
  settings: Settings,
  latency: ModelLatency,
  runs: ReportRun[],
  defaultConcurrency: number,
): BenchTable {
  const L = median(latency.samples);
  const sequential = (reportType: ReportType) =>
    runs.filter((run) => run.reportType === reportType && run.concurrency === 1).map(wallOf);
  const headlines: HeadlineRow[] = [];
  const rows = groupRuns(runs).map((group) => {
    const first = group[0] as ReportRun;
    const walls = group.map(wallOf);
    const wall = median(walls);
    const sseWall = median(group.map((run) => run.sseCompletedAt - run.sentAt));
    const baseline = sequential(first.reportType);
    const isBaseline = first.concurrency === 1;
    const waves = Math.ceil(first.sections / first.concurrency);
    const target = isBaseline
      ? `baseline (≈ ${first.sections} × L)`
      : waves === 1
        ? verdict(wall <= wallOverLTarget * L, `≤ ${wallOverLTarget} × L`)
        : `— (${first.sections} sections > ${first.concurrency}: ${waves} waves, ≈ ${waves} × L)`;
    if (!isBaseline) {
      headlines.push(
        headline(
          `Report wall time / L: ${first.reportType}, ${first.sections} sections, concurrency ${first.concurrency}` +
            (first.concurrency === defaultConcurrency ? ' (cdk.json)' : ''),
          `${(wall / L).toFixed(2)} × L (${seconds(wall)})`,
          `L ${seconds(L)}; sequential ${baseline.length > 0 ? seconds(median(baseline)) : '—'}`,
          waves === 1 ? `≤ ${wallOverLTarget} × L` : `— (${waves} waves)`,
          waves === 1 ? wall <= wallOverLTarget * L : undefined,
        ),
      );
    }
    return [
      `${first.reportType}: ${first.sections} sections, concurrency ${first.concurrency}` +
        (first.concurrency === defaultConcurrency ? ' (cdk.json default)' : ''),
      String(group.length),
      seconds(wall),
      `${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))}`,
      `${(wall / L).toFixed(2)}×`,
      isBaseline || baseline.length === 0 ? '—' : seconds(median(baseline)),
      isBaseline || baseline.length === 0 ? '—' : `${(median(baseline) / wall).toFixed(2)}×`,
      `${seconds(sseWall)} (${(sseWall / L).toFixed(2)}×)`,
      target,
    ];
  });
  return {
    title: `Report wall time vs sequential: model latency L per section, POST generate → report completed`,
    columns: [
      { header: 'Report' },
      { header: 'Runs', align: 'right' },
      { header: 'Wall median', align: 'right' },
      { header: 'Wall range', align: 'right' },
      { header: 'Wall / L', align: 'right' },
      { header: 'Sequential (c = 1)', align: 'right' },
      { header: 'Speed-up', align: 'right' },
      { header: 'POST → job.completed on SSE (÷ L)', align: 'right' },
      { header: 'Target' },
    ],
    rows: [
      [
        'L: one section’s model call (streamText, no writes)',
        String(latency.samples.length),
        seconds(L),
        `${seconds(Math.min(...latency.samples))}–${seconds(Math.max(...latency.samples))}`,
        '1.00×',
        '—',
        '—',
        '—',
        `local endpoint: firstChunkMs ${settings.sectionLatencyMs}, perChunkMs ${settings.perChunkMs}`,
      ],
      ...rows,
    ],
    notes: [
      `Model: the local Bedrock endpoint with latencyMs { firstChunkMs: ${settings.sectionLatencyMs}, ` +
        `perChunkMs: ${settings.perChunkMs} } (BENCH_SECTION_LATENCY_MS, BENCH_SECTION_PER_CHUNK_MS). With ` +
        'perChunkMs 0 every section call waits L before its first chunk and the offline generator’s whole ' +
        'schema-valid JSON follows at once, so every section costs the same L. L itself is measured: the same ' +
        'streamText call generateSection makes (reports model id from cdk.json, report prompts, ' +
        'Output.object(sectionPayloadSchema)), timed to the parsed output, once per quarterly-review section.',
      'Wall = POST /api/ai/strategy/executive-summary/generate sent (worker-thread client) → the worker’s ' +
        'finishReport(completed) UpdateItem resolved (SDK middleware on the handlers’ DynamoDB client). It covers the ' +
        '202, the local SQS poller’s pickup (short polls every 100 ms), the worker’s report and context reads, the ' +
        'sections (partial writes at most every 500 ms, then the completed write) and the final update.',
      'POST → job.completed on SSE: what a client connected right after the 202 sees; it adds the stream poller, ' +
        'the projector and the SSE poll. With perChunkMs 0 all of a report’s section events land in one burst about ' +
        'L after the job starts, when the connection’s poll has already backed off (250 → 375 → 563 → 844 ms …) for ' +
        'lack of events, so job.completed waits for the next poll. A model that streams for longer than 500 ms ' +
        'writes partials that keep the poll near its minimum (BENCH_SECTION_PER_CHUNK_MS=10 shows it; sections then ' +
        'differ in length with their prompts, so wall / L is no longer a clean concurrency figure).',
      `REPORT_SECTION_CONCURRENCY is changed between runs in the same stack (process.env + resetEnvironmentCache, ` +
        `as startLocalStack does; the worker reads it per job). Concurrent configurations run ${settings.reportRuns} ` +
        'times each (BENCH_REPORT_RUNS), interleaved; the sequential baselines once each, after one untimed warm-up ' +
        'report. Every run must end in job.completed with every planned section completed on the stream.',
    ],
    headlines,
  };
}

function wallBreakdownTable(runs: ReportRun[]): BenchTable {
  const medianOf = (group: ReportRun[], value: (run: ReportRun) => number) => wholeMs(median(group.map(value)));
  return {
    title: 'Where the report wall time goes (medians per configuration)',
    columns: [
      { header: 'Report' },
      { header: 'POST → 202', align: 'right' },
      { header: '202 → first model request', align: 'right' },
      { header: 'First model request → last section written', align: 'right' },
      { header: 'Last section → report completed', align: 'right' },
      { header: 'Completed → job.completed at client', align: 'right' },
      { header: 'Section writes / section', align: 'right' },
    ],
    rows: groupRuns(runs).map((group) => {
      const first = group[0] as ReportRun;
      return [
        `${first.reportType}, concurrency ${first.concurrency}`,
        medianOf(group, (run) => run.acceptedAt - run.sentAt),
        medianOf(group, (run) => run.firstModelRequestAt - run.acceptedAt),
        medianOf(group, (run) => run.lastSectionWrittenAt - run.firstModelRequestAt),
        medianOf(group, (run) => run.completedAt - run.lastSectionWrittenAt),
        medianOf(group, (run) => run.sseCompletedAt - run.completedAt),
        (median(group.map((run) => run.sectionWrites)) / first.sections).toFixed(1),
      ];
    }),
    notes: [
      '202 → first model request: SQS pickup by the local poller, the worker’s getReport and listReportSections, and ' +
        'loadContext (partners, ICP, IPP, knowledge retrieval with an embeddings call). The model request time is the ' +
        'local endpoint’s receivedAt (millisecond resolution).',
      'Section writes / section: partial writes (at most one per 500 ms while the section streams) plus the ' +
        'completed write; each one becomes an SSE event.',
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. DynamoDB reads of an idle SSE connection

interface IdleResult {
  windowMs: number;
  queries: DynamoCall[];
  gets: DynamoCall[];
  /** Start of the window: the connection's first event-log Query. */
  from: number;
}

async function startIdleConnection(bench: Bench, windowMs: number): Promise<{ finish(): Promise<IdleResult> }> {
  setEnvironment(bench, { SSE_POLL_MIN_MS: bench.defaults.minMs, SSE_POLL_MAX_MS: bench.defaults.maxMs });
  const reportId = await createRunningReport(bench.stores, benchReport(bench));
  const partition = reportPartition(reportId);
  bench.watchedPartitions.add(partition);
  const connection = await bench.sse.open(streamUrl(bench, reportId), bench.authorization);
  const isQuery = (call: DynamoCall) => call.command === 'QueryCommand';
  const firstQuery = async () => {
    for (;;) {
      const found = bench.probe.calls.find((call) => isQuery(call) && valuesOf(call.input)[':pk'] === partition);
      if (found) return found.start;
      await sleep(10);
    }
  };
  const from = await firstQuery();
  return {
    async finish() {
      await sleep(Math.max(0, from + windowMs - performance.now()));
      connection.close();
      bench.watchedPartitions.delete(partition);
      await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
      const inWindow = bench.probe.calls.filter(
        (call) =>
          call.start >= from &&
          call.start < from + windowMs &&
          (isQuery(call) ? valuesOf(call.input)[':pk'] : keyOf(call.input).pk) === partition,
      );
      if (connection.events.length > 0) throw new Error('The idle connection received events');
      return {
        windowMs,
        from,
        queries: inWindow.filter(isQuery),
        gets: inWindow.filter((call) => call.command === 'GetItemCommand'),
      };
    },
  };
}

function idleTable(idle: IdleResult, defaults: Bench['defaults']): BenchTable {
  const perMinute = (count: number, windowMs: number) => (count * 60_000) / windowMs;
  const half = idle.windowMs / 2;
  const secondHalf = (calls: DynamoCall[]) => calls.filter((call) => call.start >= idle.from + half).length;
  const rru = (queries: number, gets: number) =>
    queries * rruPerEventuallyConsistentRead + gets * rruPerStronglyConsistentRead;
  const measured = {
    queries: perMinute(idle.queries.length, idle.windowMs),
    gets: perMinute(idle.gets.length, idle.windowMs),
  };
  const steady = {
    queries: perMinute(secondHalf(idle.queries), half),
    gets: perMinute(secondHalf(idle.gets), half),
  };
  const expected = { queries: 60_000 / defaults.maxMs, gets: 60_000 / defaults.heartbeatMs };
  const fixed = { queries: 60_000 / defaults.minMs, gets: expected.gets };
  const localUnits = perMinute(
    [...idle.queries, ...idle.gets].reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0),
    idle.windowMs,
  );
  const rruPerMinute = {
    measured: rru(measured.queries, measured.gets),
    steady: rru(steady.queries, steady.gets),
    expected: rru(expected.queries, expected.gets),
    fixed: rru(fixed.queries, fixed.gets),
  };
  const usdPerHour = (perMinuteRru: number) => (perMinuteRru * 60 * usdPerMillionRru) / 1e6;
  const row = (label: string, values: [number, number, number, number], format: (value: number) => string) => [
    label,
    ...values.map(format),
  ];
  const count = (value: number) => value.toFixed(1);
  const usd = (value: number) => `$${value.toPrecision(3)}`;
  return {
    title: `DynamoDB reads of one idle SSE connection (poll ${defaults.minMs}–${defaults.maxMs} ms, heartbeat ${defaults.heartbeatMs / 1000} s)`,
    columns: [
      { header: 'Per connection' },
      { header: `Measured, first ${idle.windowMs / 1000} s → per min`, align: 'right' },
      { header: `Measured, last ${half / 1000} s → per min`, align: 'right' },
      { header: 'Steady state from the bounds', align: 'right' },
      { header: `Baseline: fixed ${defaults.minMs} ms poll`, align: 'right' },
    ],
    rows: [
      row(
        'Query on the event log per min (eventually consistent)',
        [measured.queries, steady.queries, expected.queries, fixed.queries],
        count,
      ),
      row(
        'GetItem report status per min (strongly consistent, on heartbeat)',
        [measured.gets, steady.gets, expected.gets, fixed.gets],
        count,
      ),
      row(
        'Read request units per min',
        [rruPerMinute.measured, rruPerMinute.steady, rruPerMinute.expected, rruPerMinute.fixed],
        count,
      ),
      ['DynamoDB Local ConsumedCapacity per min (reported)', count(localUnits), '—', '—', '—'],
      row(
        `Cost per connection-hour at $${usdPerMillionRru} per million RRU`,
        [
          usdPerHour(rruPerMinute.measured),
          usdPerHour(rruPerMinute.steady),
          usdPerHour(rruPerMinute.expected),
          usdPerHour(rruPerMinute.fixed),
        ],
        usd,
      ),
      row(
        'Cost per 1,000 connection-hours',
        [
          1000 * usdPerHour(rruPerMinute.measured),
          1000 * usdPerHour(rruPerMinute.steady),
          1000 * usdPerHour(rruPerMinute.expected),
          1000 * usdPerHour(rruPerMinute.fixed),
        ],
        usd,
      ),
    ],
    notes: [
      `One SSE connection to a running report that never produces anything, counted for ${idle.windowMs / 1000} s ` +
        '(BENCH_SSE_IDLE_SECONDS) from its first poll, while the delivery rows ran (only calls on this report’s ' +
        'partition count), by an SDK middleware on the handlers’ DynamoDB client. The first-window figure includes ' +
        `the back-off ramp after connecting (${defaults.minMs} ms ×1.5 per empty poll up to ${defaults.maxMs} ms); ` +
        'the second half of the window is the steady state. Once per connection (not counted): API-key auth ' +
        '(cached 30 s per warm function) and the route’s report read; the stream ends after SSE_TIMEOUT_MS ' +
        '(300 s) and EventSource reconnects, paying those again.',
      'RRU by the read rules: an eventually consistent Query of ≤ 4 KB = 0.5 RRU (the empty event-log page here), a ' +
        'strongly consistent GetItem of ≤ 4 KB = 1 RRU (the report item). DynamoDB Local returns ConsumedCapacity ' +
        '(requested with ReturnConsumedCapacity: TOTAL) but reports 0 units for a Query that returns no items, ' +
        'so its figure counts only the GetItems; DynamoDB rounds every read up to at least one 4 KB unit.',
      `Price: DynamoDB on-demand, us-east-1 list price, $${usdPerMillionRru} per million read request units ` +
        '(the price since the November 2024 on-demand reduction); not checked live from this machine (no network) — ' +
        'check https://aws.amazon.com/dynamodb/pricing/on-demand/. Lambda duration of the open connection is not included.',
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------

function seconds(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}
