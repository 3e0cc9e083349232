/**
 * Time to first byte and total time of `POST /api/ai/icp` through the local stack (Function URL shim, middy,
 * auth, cache, quota, DynamoDB Local) with an instant offline model, against the floor: a bare node:http
 * server streaming the same AI SDK `streamText` result from the same model endpoint. Also the cached path, the
 * API's own time before its model call, and then the other streaming endpoints against their floors
 * (streaming-endpoints.ts).
 */
import { icpResultSchema } from '../functions/domain/strategy/icp.ts';
import {
  type EndpointResult,
  measurePair,
  measureStreamingEndpoints,
  pairOrder,
  streamingEndpointsTable,
} from './streaming-endpoints.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { tenthsMs, verdict } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import { type ModelCallTiming, timeModelFetch } from './support/model-fetch-timing.ts';
import { icpProblem, mustPass } from './support/response-checks.ts';
import { runCount } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import { startStreamFloor } from './support/stream-floor.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import { startWorkerClient } from './support/worker-client.ts';

/** Targets: the API's own time before its model call (the floor has no admission to compare it with), the cache hit. */
const apiOwnTimeTargetMs = 15;
const cachedTotalTargetMs = 30;
const warmUpRuns = 5;
const defaultRuns = 40;
/** Per side and endpoint for IPP, partner types, partner suggestions and chat (BENCH_RUNS overrides both). */
const defaultEndpointRuns = 20;
const endpointWarmUpRuns = 3;

type Path = 'api' | 'floor' | 'hit';

type Traced = TimedResponse & ModelCallTiming;

export const icpTtfb: BenchModule = {
  name: 'icp-ttfb',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(defaultRuns);
    const endpointRuns = runCount(defaultEndpointRuns);
    const benchStack = await startBenchStack({
      tenant: 'ICP TTFB benchmark',
      localBedrock: { latencyMs: 0 },
      warmUpRounds: 250,
    });
    const floor = await startStreamFloor().catch(async (error) => {
      await benchStack.stop();
      throw error;
    });
    const http = startWorkerClient();
    try {
      const { stack, bedrock: localBedrock, tenant, dynamoWarmUp } = benchStack;

      const apiUrl = new URL('/api/ai/icp', stack.baseUrl);
      const floorUrl = floor.url('/api/ai/icp');
      const runId = Date.now().toString(36);
      let companies = 0;
      // A new company per generation, so the ICP cache is never hit.
      const freshCompany = () => `bench-${runId}-${companies++}.example.com`;

      /** One checked ICP request: the API (a cache miss or a hit, `x-cache` checked) or the floor. */
      const callPath = async (path: Path, company: string) => {
        const response =
          path === 'floor'
            ? await http.post(floorUrl, { company })
            : await http.post(apiUrl, { company }, tenant.authorization);
        return mustPass(
          response,
          `POST /api/ai/icp (${path})`,
          icpProblem(response, path === 'floor' ? undefined : path === 'hit' ? 'hit' : 'miss'),
        );
      };

      // Warm-up of the request paths: Node's JIT, keep-alive sockets, SDK clients.
      const generated: string[] = [];
      for (let index = 0; index < warmUpRuns; index++) {
        const company = freshCompany();
        await callPath('api', company);
        generated.push(company);
        await callPath('floor', freshCompany());
      }

      // Interleaved, alternating who goes first, so drift and noise spread over both.
      const pair = await measurePair(runs, 0, {
        api: () => callPath('api', freshCompany()),
        floor: () => callPath('floor', freshCompany()),
      });
      const samples: Record<Path, TimedResponse[]> = { ...pair, hit: [] };

      // Cached path: one company generated during the warm-up, asked again and again.
      const cachedCompany = generated[0] ?? freshCompany();
      for (let index = 0; index < warmUpRuns; index++) await callPath('hit', cachedCompany);
      for (let round = 0; round < runs; round++) samples.hit.push(await callPath('hit', cachedCompany));

      // The model call's timing: the same kinds of requests again, one at a time, with fetch wrapped.
      const modelFetch = timeModelFetch(localBedrock.endpoint);
      const traces: Record<'api' | 'floor', Traced[]> = { api: [], floor: [] };
      try {
        for (let round = 0; round < runs; round++) {
          for (const path of pairOrder(round)) {
            const timing = modelFetch.next();
            const response = await callPath(path, freshCompany());
            traces[path].push({ ...response, ...timing });
          }
        }
      } finally {
        modelFetch.uninstall();
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
        headlineTable(runs, samples, traces, dynamoWarmUp),
        streamingEndpointsTable({ icp: runs, others: endpointRuns }, icpResult, others),
      ];
    } finally {
      await http.close();
      await floor.stop();
      await benchStack.stop();
    }
  },
};

function modelCallOf(trace: Traced) {
  if (trace.startedAt === undefined || trace.firstChunkAt === undefined)
    throw new Error('A timed request made no model call');
  return { startedAt: trace.startedAt, firstChunkAt: trace.firstChunkAt };
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
  const apiTotalMedian = median(total('api'));
  const floorTotalMedian = median(total('floor'));
  const hitTotalMedian = median(total('hit'));
  const ownTimes = traced.api.map(apiOwnTimeOf);
  const ownTimeMedian = median(ownTimes);
  const ownTimePass = ownTimeMedian <= apiOwnTimeTargetMs;
  const hitPass = hitTotalMedian < cachedTotalTargetMs;
  const afterModel = (path: 'api' | 'floor') => traced[path].map(afterFirstModelChunkOf);
  const medianAndP95 = (values: number[]) => [tenthsMs(median(values)), tenthsMs(percentile(values, 95))];
  const row = (label: string, path: Path, target: string) => [
    label,
    ...medianAndP95(ttfb(path)),
    ...medianAndP95(total(path)),
    target,
  ];
  const [apiAfterModel, floorAfterModel] = [medianAndP95(afterModel('api')), medianAndP95(afterModel('floor'))];
  return {
    title: `ICP time to first byte: API vs bare node:http floor (instant model, ${runs} requests each)`,
    columns: ['Path', ...figureColumns('TTFB median', 'TTFB p95', 'Total median', 'Total p95'), 'Target'],
    rows: [
      row('Floor: node:http + streamText (no auth/quota/DB)', 'floor', '—'),
      row('API POST /api/ai/icp, cache miss', 'api', '—'),
      [
        "API's own time before the first byte: request → model request (auth, cache, admission; timed)",
        ...medianAndP95(ownTimes),
        ...['—', '—', verdict(ownTimePass, `median ≤ ${apiOwnTimeTargetMs} ms`)],
      ],
      [
        'then first model chunk → client first byte (AI SDK, response stream): API / floor (timed)',
        ...apiAfterModel.map((cell, index) => `${cell} / ${floorAfterModel[index]}`),
        ...['—', '—', '—'],
      ],
      row(
        'API POST /api/ai/icp, cache hit (x-cache: hit)',
        'hit',
        verdict(hitPass, `total median < ${cachedTotalTargetMs} ms`),
      ),
    ],
    notes: [
      `${warmUpRuns} untimed warm-up requests per path, after ${dynamoWarmUp.operations} direct DynamoDB Local calls ` +
        `(${(dynamoWarmUp.ms / 1000).toFixed(1)} s); the cached company is requested ${warmUpRuns} + ${runs} times.`,
    ],
    headlines: [
      headline(
        "POST /api/ai/icp, cache miss: API's own time before the first byte (request → model request, admission included), median",
        tenthsMs(ownTimeMedian),
        `TTFB ${tenthsMs(apiTtfbMedian)}, floor TTFB ${tenthsMs(floorTtfbMedian)} (${ratio.toFixed(2)}×)`,
        `≤ ${apiOwnTimeTargetMs} ms`,
        ownTimePass,
      ),
      headline(
        'POST /api/ai/icp, cache miss: total median',
        `${tenthsMs(apiTotalMedian)} (${(apiTotalMedian / floorTotalMedian).toFixed(2)}× floor)`,
        `floor ${tenthsMs(floorTotalMedian)}`,
      ),
      headline(
        'POST /api/ai/icp, cache hit: total median',
        tenthsMs(hitTotalMedian),
        `cache miss ${tenthsMs(apiTotalMedian)}`,
        `< ${cachedTotalTargetMs} ms`,
        hitPass,
      ),
    ],
  };
}
