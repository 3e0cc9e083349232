/**
 * Time to first byte and total time of `POST /api/ai/icp` through the local stack (Function URL shim, middy,
 * auth, cache, quota, DynamoDB Local) with an instant offline model, against the floor: a bare node:http
 * server streaming the same AI SDK `streamText` result from the same model endpoint. Also the cached path, a
 * breakdown of where the time goes, and then the other streaming endpoints against their floors
 * (streaming-endpoints.ts).
 */
import { readFileSync } from 'node:fs';
import { icpResultSchema } from '../functions/domain/strategy/icp.ts';
import {
  type EndpointResult,
  measurePair,
  measureStreamingEndpoints,
  pairOrder,
  streamingEndpointsTable,
} from './streaming-endpoints.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { signedMs, tenthsMs, verdict } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import {
  modelFirstChunkLabel,
  modelRequestLabel,
  RequestTracer,
  type SegmentStats,
  summariseTraces,
  type TraceEvent,
  traceDynamoDb,
  traceModelFetch,
  traceServerArrival,
} from './support/request-trace.ts';
import { runCount } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import { type FloorPurpose, type StreamFloor, startStreamFloor } from './support/stream-floor.ts';
import { type BenchModule, type BenchTable, headline } from './support/table.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

/**
 * The API's own time before the first byte is the figure with a target: from the request to the moment the API
 * hands over to the model (authentication, the ICP cache read, admission, the model call's setup). What follows,
 * the model's first chunk and the AI SDK turning it into the first byte, is the same for the floor and is shown
 * beside it. The ratio to the floor is printed for reference only: admission now runs, by design, before the
 * model call and so adds to a floor that has none.
 */
const apiOwnTimeTargetMs = 15;
const cachedTotalTargetMs = 30;
const warmUpRuns = 5;
const defaultRuns = 40;
/** Per side and endpoint for IPP, partner types, partner suggestions and chat (BENCH_RUNS overrides both). */
const defaultEndpointRuns = 20;
const endpointWarmUpRuns = 3;

type Path = 'api' | 'floor' | 'hit';

interface Traced {
  sentAt: number;
  firstByteAt: number;
  endAt: number;
  events: TraceEvent[];
}

export const icpTtfb: BenchModule = {
  name: 'icp-ttfb',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(defaultRuns);
    const endpointRuns = runCount(defaultEndpointRuns);
    let client: WorkerClient | undefined;
    let benchStack: BenchStack | undefined;
    let floor: StreamFloor | undefined;
    try {
      benchStack = await startBenchStack({
        tenant: 'ICP TTFB benchmark',
        localBedrock: { latencyMs: 0 },
        warmUpRounds: 250,
      });
      const { stack, bedrock: localBedrock, tenant, dynamoWarmUp } = benchStack;
      floor = await startStreamFloor({ bedrockEndpoint: localBedrock.endpoint, modelId: cdkModelId });

      const apiUrl = new URL('/api/ai/icp', stack.baseUrl);
      const floorUrl = floor.url('/api/ai/icp');
      const runId = Date.now().toString(36);
      let companies = 0;
      // A new company per generation, so the ICP cache is never hit.
      const freshCompany = () => `bench-${runId}-${companies++}.example.com`;

      client = startWorkerClient();
      const http = client;
      const callApi = async (company: string, cache: 'hit' | 'miss') => {
        const response = await http.post(apiUrl, { company }, tenant.authorization);
        return expectIcp(response, `API (${cache})`, cache);
      };
      const callFloor = async (company: string) => expectIcp(await http.post(floorUrl, { company }), 'floor');
      const callPath = (path: Path, company: string) =>
        path === 'floor' ? callFloor(company) : callApi(company, path === 'hit' ? 'hit' : 'miss');

      // Warm-up of the request paths: Node's JIT, keep-alive sockets, SDK clients.
      const generated: string[] = [];
      for (let index = 0; index < warmUpRuns; index++) {
        const company = freshCompany();
        await callApi(company, 'miss');
        generated.push(company);
        await callFloor(freshCompany());
      }

      // Interleaved, alternating who goes first, so drift and noise spread over both.
      const pair = await measurePair(runs, 0, {
        api: () => callPath('api', freshCompany()),
        floor: () => callPath('floor', freshCompany()),
      });
      const samples: Record<Path, TimedResponse[]> = { ...pair, hit: [] };

      // Cached path: one company generated during the warm-up, asked again and again.
      const cachedCompany = generated[0] ?? freshCompany();
      for (let index = 0; index < warmUpRuns; index++) await callApi(cachedCompany, 'hit');
      for (let round = 0; round < runs; round++) samples.hit.push(await callApi(cachedCompany, 'hit'));

      // Breakdown: the same kinds of requests again, one at a time, with timing hooks installed.
      const { dynamo } = await import('../functions/stores/dynamo.ts');
      const tracer = new RequestTracer();
      const uninstall = [
        traceDynamoDb(dynamo(), tracer),
        traceModelFetch(localBedrock.endpoint, tracer),
        traceServerArrival([Number(new URL(stack.baseUrl).port), floor.port], tracer),
      ];
      const traces: Record<Path, Traced[]> = { api: [], floor: [], hit: [] };
      const traced = async (path: Path, company: string) => {
        tracer.begin();
        const response = await callPath(path, company).catch((error: unknown) => {
          tracer.finish();
          throw error;
        });
        traces[path].push({ ...response, events: [...tracer.finish(), ...clientEvents(path, response)] });
      };
      try {
        for (let round = 0; round < runs; round++) {
          for (const path of pairOrder(round)) await traced(path, freshCompany());
        }
        for (let round = 0; round < runs; round++) await traced('hit', cachedCompany);
      } finally {
        for (const step of uninstall) step();
      }

      // The other streaming endpoints, on the same stack, tenant and client.
      const icpResult: EndpointResult = { endpoint: 'POST /api/ai/icp', samples: pair };
      const others = await measureStreamingEndpoints({
        http,
        baseUrl: stack.baseUrl,
        floor,
        authorization: tenant.authorization,
        organisationId: tenant.organisationId,
        organisationName: tenant.name,
        icp: icpResultSchema.parse(JSON.parse(pair.api[0]?.body ?? '')),
        runs: endpointRuns,
        warmUpRuns: endpointWarmUpRuns,
      });

      return [
        headlineTable(runs, samples, { api: traces.api, floor: traces.floor }, dynamoWarmUp),
        streamingEndpointsTable({ icp: runs, others: endpointRuns }, icpResult, others),
        missBreakdownTable(runs, traces.api, traces.floor),
        hitBreakdownTable(runs, traces.hit),
      ];
    } finally {
      await client?.close();
      await floor?.stop();
      await benchStack?.stop();
    }
  },
};

/** What the client saw, as trace events (the client runs on another thread; its times are already mapped). */
function clientEvents(path: Path, response: TimedResponse): TraceEvent[] {
  const firstByteGap =
    path === 'hit'
      ? 'handler → client first body byte (response stream, socket)'
      : 'first model chunk → client first body byte (AI SDK, response stream, socket)';
  return [
    {
      label: 'client: first body byte',
      gapLabel: firstByteGap,
      start: response.firstByteAt,
      end: response.firstByteAt,
    },
    { label: 'client: end', gapLabel: 'rest of the response → client end', start: response.endAt, end: response.endAt },
  ];
}

/** The model id a `cdk deploy` with the checked-in cdk.json would use (the local stack reads the same). */
function cdkModelId(purpose: FloorPurpose): string {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: { partneros: { models: Record<FloorPurpose, string> } };
  };
  return cdkJson.context.partneros.models[purpose];
}

/** A benchmark that measured errors or the wrong path would print misleading figures: fail instead. */
function expectIcp(response: TimedResponse, what: string, cache?: 'hit' | 'miss'): TimedResponse {
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  if (cache && response.headers['x-cache'] !== cache) {
    throw new Error(`${what}: expected x-cache: ${cache}, got ${String(response.headers['x-cache'])}`);
  }
  const parsed = icpResultSchema.safeParse(safeJson(response.body));
  if (!parsed.success) throw new Error(`${what}: the body is not an ICPResult: ${response.body.slice(0, 300)}`);
  return response;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function modelCallOf(trace: Traced) {
  const request = trace.events.find((event) => event.label === modelRequestLabel);
  const firstChunk = trace.events.find((event) => event.label === modelFirstChunkLabel);
  if (!request || !firstChunk) throw new Error('A traced request has no model call in its trace');
  return { startedAt: request.start, firstChunkAt: firstChunk.start };
}

/** Request sent → model request sent: what the API does before the model can start. */
const apiOwnTimeOf = (trace: Traced) => modelCallOf(trace).startedAt - trace.sentAt;

/** Model's first chunk → client's first byte: the AI SDK and the response stream, which the floor has too. */
const afterFirstModelChunkOf = (trace: Traced) => trace.firstByteAt - modelCallOf(trace).firstChunkAt;

function headlineTable(
  runs: number,
  samples: Record<Path, TimedResponse[]>,
  traced: { api: Traced[]; floor: Traced[] },
  dynamoWarmUp: { operations: number; ms: number },
): BenchTable {
  const ttfb = (path: Path) => samples[path].map((sample) => sample.ttfbMs);
  const total = (path: Path) => samples[path].map((sample) => sample.totalMs);
  const apiTtfbMedian = median(ttfb('api'));
  const floorTtfbMedian = median(ttfb('floor'));
  const ratio = apiTtfbMedian / floorTtfbMedian;
  const hitTotalMedian = median(total('hit'));
  const ownTimes = traced.api.map(apiOwnTimeOf);
  const ownTimeMedian = median(ownTimes);
  const afterModel = (path: 'api' | 'floor') => traced[path].map(afterFirstModelChunkOf);
  const row = (label: string, path: Path, target: string) => [
    label,
    tenthsMs(median(ttfb(path))),
    tenthsMs(percentile(ttfb(path), 95)),
    tenthsMs(median(total(path))),
    tenthsMs(percentile(total(path), 95)),
    target,
  ];
  return {
    title: `ICP time to first byte: API vs bare node:http floor (instant model, ${runs} requests each)`,
    columns: [
      { header: 'Path' },
      { header: 'TTFB median', align: 'right' },
      { header: 'TTFB p95', align: 'right' },
      { header: 'Total median', align: 'right' },
      { header: 'Total p95', align: 'right' },
      { header: 'Target' },
    ],
    rows: [
      row('Floor: node:http + streamText (no auth/quota/DB)', 'floor', '—'),
      row('API POST /api/ai/icp, cache miss', 'api', '—'),
      [
        "API's own time before the first byte: request → model request (auth, cache, admission; traced)",
        tenthsMs(ownTimeMedian),
        tenthsMs(percentile(ownTimes, 95)),
        '—',
        '—',
        verdict(ownTimeMedian <= apiOwnTimeTargetMs, `median ≤ ${apiOwnTimeTargetMs} ms`),
      ],
      [
        'then first model chunk → client first byte (AI SDK, response stream): API / floor (traced)',
        `${tenthsMs(median(afterModel('api')))} / ${tenthsMs(median(afterModel('floor')))}`,
        `${tenthsMs(percentile(afterModel('api'), 95))} / ${tenthsMs(percentile(afterModel('floor'), 95))}`,
        '—',
        '—',
        '—',
      ],
      [
        'API − floor (absolute overhead)',
        signedMs(apiTtfbMedian - floorTtfbMedian),
        signedMs(percentile(ttfb('api'), 95) - percentile(ttfb('floor'), 95)),
        signedMs(median(total('api')) - median(total('floor'))),
        signedMs(percentile(total('api'), 95) - percentile(total('floor'), 95)),
        '—',
      ],
      [
        'API / floor (overhead ratio)',
        `${ratio.toFixed(2)}×`,
        `${(percentile(ttfb('api'), 95) / percentile(ttfb('floor'), 95)).toFixed(2)}×`,
        `${(median(total('api')) / median(total('floor'))).toFixed(2)}×`,
        `${(percentile(total('api'), 95) / percentile(total('floor'), 95)).toFixed(2)}×`,
        '—',
      ],
      row(
        'API POST /api/ai/icp, cache hit (x-cache: hit)',
        'hit',
        verdict(hitTotalMedian < cachedTotalTargetMs, `total median < ${cachedTotalTargetMs} ms`),
      ),
    ],
    notes: [
      'API: startLocalStack({ localBedrock: { latencyMs: 0 } }) in this process (Function URL shim, middy, auth, ICP cache, ' +
        'quota, DynamoDB Local in memory); a tenant with a 1,000,000-unit quota. Floor: node:http on 127.0.0.1 running the same ' +
        'streamText (same model id from cdk.json, Output.object(icpResultSchema), prompts, local Bedrock endpoint) piped with ' +
        'pipeTextStreamToResponse; no auth, quota or DynamoDB.',
      "Client: node:http on a worker thread of this process (own event loop: a client on the servers' thread would only " +
        'read the first chunk after the server code yields, i.e. after the whole instant-model stream), one keep-alive ' +
        `socket per server. TTFB = request sent → first body chunk ` +
        `(not the head); total = → end of body. ${warmUpRuns} untimed warm-up requests each; then API and floor ` +
        'alternate (who goes first alternates too). A new company per generation, so the cache is never hit.',
      `Before that, DynamoDB Local's JVM is warmed with ${dynamoWarmUp.operations} direct Get/Update/PutItem calls on ` +
        `items of its own (${(dynamoWarmUp.ms / 1000).toFixed(1)} s): a fresh JVM answers several times slower at first.`,
      'Model: the local Bedrock-compatible endpoint with latencyMs 0. The benchmark sets TCP_NODELAY on the sockets it ' +
        "accepts (its raw net.Server bypasses node:http's default), else a frame can wait ~40 ms for a delayed ACK.",
      `Cache hit: one company generated during the warm-up, requested ${warmUpRuns} + ${runs} times (x-cache: hit checked). ` +
        'Every response is checked: 200 and a body that parses as an ICPResult.',
      'p95 is nearest-rank. Ratios and differences of p95 compare the two distributions, not per-request pairs.',
    ],
    headlines: [
      headline(
        "POST /api/ai/icp, cache miss: API's own time before the first byte (request → model request, admission included), median",
        tenthsMs(ownTimeMedian),
        `TTFB ${tenthsMs(apiTtfbMedian)}, floor TTFB ${tenthsMs(floorTtfbMedian)} (${ratio.toFixed(2)}×)`,
        `≤ ${apiOwnTimeTargetMs} ms`,
        ownTimeMedian <= apiOwnTimeTargetMs,
      ),
      headline(
        'POST /api/ai/icp, cache miss: total median',
        `${tenthsMs(median(total('api')))} (${(median(total('api')) / median(total('floor'))).toFixed(2)}× floor)`,
        `floor ${tenthsMs(median(total('floor')))}`,
      ),
      headline(
        'POST /api/ai/icp, cache hit: total median',
        tenthsMs(hitTotalMedian),
        `cache miss ${tenthsMs(median(total('api')))}`,
        `< ${cachedTotalTargetMs} ms`,
        hitTotalMedian < cachedTotalTargetMs,
      ),
    ],
  };
}

function missBreakdownTable(runs: number, api: Traced[], floor: Traced[]): BenchTable {
  const apiStats = summariseTraces(api);
  const floorStats = summariseTraces(floor);
  const labels = [...apiStats.map((stat) => stat.label)];
  for (const stat of floorStats) if (!labels.includes(stat.label)) labels.push(stat.label);
  const cell = (stats: SegmentStats[], label: string, key: 'median' | 'p95') => {
    const stat = stats.find((entry) => entry.label === label);
    return stat ? tenthsMs(stat[key]) : '—';
  };
  return {
    title: `Where the ICP time goes: cache miss, API vs floor (${runs} traced requests each)`,
    columns: [
      { header: 'Segment (in order)' },
      { header: 'API median', align: 'right' },
      { header: 'API p95', align: 'right' },
      { header: 'Floor median', align: 'right' },
      { header: 'Floor p95', align: 'right' },
    ],
    rows: [
      ...labels.map((label) => [
        label,
        cell(apiStats, label, 'median'),
        cell(apiStats, label, 'p95'),
        cell(floorStats, label, 'median'),
        cell(floorStats, label, 'p95'),
      ]),
      summaryRow('Σ DynamoDB calls before the first byte', dynamoBeforeFirstByte(api), undefined),
      summaryRow('TTFB (per request)', api.map(ttfbOf), floor.map(ttfbOf)),
      summaryRow('Total (per request)', api.map(totalOf), floor.map(totalOf)),
    ],
    notes: breakdownNotes,
  };
}

function hitBreakdownTable(runs: number, hit: Traced[]): BenchTable {
  const stats = summariseTraces(hit);
  return {
    title: `Where the ICP time goes: cache hit (${runs} traced requests)`,
    columns: [
      { header: 'Segment (in order)' },
      { header: 'Median', align: 'right' },
      { header: 'p95', align: 'right' },
    ],
    rows: [
      ...stats.map((stat) => [stat.label, tenthsMs(stat.median), tenthsMs(stat.p95)]),
      summaryRow('Σ DynamoDB calls before the first byte', dynamoBeforeFirstByte(hit), undefined).slice(0, 3),
      summaryRow('TTFB (per request)', hit.map(ttfbOf), undefined).slice(0, 3),
      summaryRow('Total (per request)', hit.map(totalOf), undefined).slice(0, 3),
    ],
    notes: breakdownNotes,
  };
}

const breakdownNotes = [
  'Traced in a separate phase after the headline figures: an AWS SDK middleware on the handlers’ shared DynamoDB ' +
    'document client (whole SDK call, and ↳ its HTTP exchange with DynamoDB Local), a wrapper around globalThis.fetch ' +
    'for the model endpoint, and the node:http `http.server.request.start` diagnostics channel. The hooks add a little time.',
  'Each request is cut into consecutive segments from the moment it is sent: "handler work before X" is the time between ' +
    'the previous event and X starting (CPU in the handler: body read, middy, routing, validation, hashing, marshalling; ' +
    'after the first byte it also contains the rest of the model stream). ↳ rows are part of the row above.',
  'Rows are medians of each segment, so they need not add up to the median TTFB; Σ/TTFB/Total rows are medians of per-request sums.',
];

function summaryRow(label: string, api: number[], floor: number[] | undefined): string[] {
  return [
    label,
    tenthsMs(median(api)),
    tenthsMs(percentile(api, 95)),
    floor ? tenthsMs(median(floor)) : '—',
    floor ? tenthsMs(percentile(floor, 95)) : '—',
  ];
}

function dynamoBeforeFirstByte(traces: Traced[]): number[] {
  return traces.map((trace) =>
    trace.events
      .filter((event) => !event.detail && event.label.startsWith('DynamoDB ') && event.start < trace.firstByteAt)
      .reduce((sum, event) => sum + (event.end - event.start), 0),
  );
}

const ttfbOf = (trace: Traced) => trace.firstByteAt - trace.sentAt;
const totalOf = (trace: Traced) => trace.endAt - trace.sentAt;
