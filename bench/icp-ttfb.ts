/**
 * Time to first byte and total time of `POST /api/ai/icp` through the local stack with an instant offline model,
 * against its bare node:http floor (support/stream-floor.ts); also the cache hit, the API's own time before its
 * model call, and then the other streaming endpoints (streaming-endpoints.ts).
 */
import { icpPrompt, icpResultSchema, icpSystemPrompt } from '../functions/domain/strategy/icp.ts';
import { measurePair, measureStreamingEndpoints } from './streaming-endpoints.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { medianAndP95, tenthsMs, verdict } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import { timeModelFetch } from './support/model-fetch-timing.ts';
import { icpProblem, mustPass } from './support/response-checks.ts';
import { runCount } from './support/runs.ts';
import { median } from './support/stats.ts';
import { startStreamFloor } from './support/stream-floor.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import { startWorkerClient } from './support/worker-client.ts';

/** Targets: the API's own time before its model call (the floor has no admission to compare it with), the cache hit. */
const apiOwnTimeTargetMs = 15;
const cachedTotalTargetMs = 30;
const warmUpRuns = 5;
const defaultRuns = 40;

export const icpTtfb: BenchModule = {
  name: 'icp-ttfb',
  async run(): Promise<BenchTable[]> {
    const runs = runCount(defaultRuns);
    const bench = await startBenchStack({
      tenant: 'ICP TTFB benchmark',
      localBedrock: { latencyMs: 0 },
      warmUpRounds: 250,
    });
    const floor = await startStreamFloor().catch(async (error) => {
      await bench.stop();
      throw error;
    });
    const http = startWorkerClient();
    try {
      const floorUrl = floor.serve(
        '/api/ai/icp',
        floor.object('icp', icpResultSchema, icpSystemPrompt, (body: { company: string }) => icpPrompt(body.company)),
      );
      const runId = Date.now().toString(36);
      let companies = 0;
      // A new company per generation, so the ICP cache is never hit.
      const freshCompany = () => `bench-${runId}-${companies++}.example.com`;
      /** One checked ICP request: the floor, or the API with the `x-cache` it must answer with. */
      const post = async (path: 'api' | 'hit' | 'floor', company = freshCompany()) => {
        const response =
          path === 'floor'
            ? await http.post(floorUrl, { company })
            : await http.post(bench.url('/api/ai/icp'), { company }, bench.tenant.authorization);
        const cache = path === 'floor' ? undefined : path === 'hit' ? 'hit' : 'miss';
        return mustPass(response, `POST /api/ai/icp (${path})`, icpProblem(response, cache));
      };

      // Warm-up of the request paths (JIT, keep-alive sockets, SDK clients), API first; its first company is the
      // one the cached path asks for again and again.
      const cachedCompany = freshCompany();
      await post('api', cachedCompany);
      await post('floor');
      const pair = await measurePair(runs, warmUpRuns - 1, { api: () => post('api'), floor: () => post('floor') });
      for (let index = 0; index < warmUpRuns; index++) await post('hit', cachedCompany);
      const hit: TimedResponse[] = [];
      for (let round = 0; round < runs; round++) hit.push(await post('hit', cachedCompany));

      // The model call's timing: the same kinds of requests again, one at a time, with fetch wrapped.
      const modelFetch = timeModelFetch(bench.bedrock.endpoint);
      const traced = await measurePair(runs, 0, {
        api: () => modelFetch.time(() => post('api')),
        floor: () => modelFetch.time(() => post('floor')),
      }).finally(modelFetch.uninstall);

      return [
        icpTable(runs, { ...pair, hit }, traced, bench.dynamoWarmUp),
        await measureStreamingEndpoints(bench, floor, http, { runs, samples: pair }),
      ];
    } finally {
      await http.close();
      await floor.stop();
      await bench.stop();
    }
  },
};

type Traced = TimedResponse & { modelStartedAt: number; modelFirstChunkAt: number };

function icpTable(
  runs: number,
  samples: Record<'api' | 'floor' | 'hit', TimedResponse[]>,
  traced: Record<'api' | 'floor', Traced[]>,
  dynamoWarmUp: { operations: number; ms: number },
): BenchTable {
  const cells = (values: number[]) => medianAndP95(values, tenthsMs);
  const ttfb = (path: keyof typeof samples) => samples[path].map((sample) => sample.ttfbMs);
  const total = (path: keyof typeof samples) => samples[path].map((sample) => sample.totalMs);
  const row = (label: string, path: keyof typeof samples, target = '—') => [
    label,
    ...cells(ttfb(path)),
    ...cells(total(path)),
    target,
  ];
  const [apiTtfb, floorTtfb] = [median(ttfb('api')), median(ttfb('floor'))];
  const [apiTotal, floorTotal, hitTotal] = [median(total('api')), median(total('floor')), median(total('hit'))];
  // Request sent → model request sent: what the API does before the model can start.
  const ownTimes = traced.api.map((trace) => trace.modelStartedAt - trace.sentAt);
  const ownTime = median(ownTimes);
  // Model's first chunk → client's first byte: the AI SDK and the response stream, which the floor has too.
  const afterModel = (traces: Traced[]) => cells(traces.map((trace) => trace.firstByteAt - trace.modelFirstChunkAt));
  const [apiAfterModel, floorAfterModel] = [afterModel(traced.api), afterModel(traced.floor)];
  return {
    title: `ICP time to first byte: API vs bare node:http floor (instant model, ${runs} requests each)`,
    columns: ['Path', ...figureColumns('TTFB median', 'TTFB p95', 'Total median', 'Total p95'), 'Target'],
    rows: [
      row('Floor: node:http + streamText (no auth/quota/DB)', 'floor'),
      row('API POST /api/ai/icp, cache miss', 'api'),
      [
        "API's own time before the first byte: request → model request (auth, cache, admission; timed)",
        ...cells(ownTimes),
        ...['—', '—', verdict(ownTime <= apiOwnTimeTargetMs, `median ≤ ${apiOwnTimeTargetMs} ms`)],
      ],
      [
        'then first model chunk → client first byte (AI SDK, response stream): API / floor (timed)',
        ...apiAfterModel.map((cell, index) => `${cell} / ${floorAfterModel[index]}`),
        ...['—', '—', '—'],
      ],
      row(
        'API POST /api/ai/icp, cache hit (x-cache: hit)',
        'hit',
        verdict(hitTotal < cachedTotalTargetMs, `total median < ${cachedTotalTargetMs} ms`),
      ),
    ],
    notes: [
      `${warmUpRuns} untimed warm-up requests per path, after ${dynamoWarmUp.operations} direct DynamoDB Local calls ` +
        `(${(dynamoWarmUp.ms / 1000).toFixed(1)} s); the cached company is requested ${warmUpRuns} + ${runs} times.`,
    ],
    headlines: [
      headline(
        "POST /api/ai/icp, cache miss: API's own time before the first byte (request → model request, admission included), median",
        tenthsMs(ownTime),
        `TTFB ${tenthsMs(apiTtfb)}, floor TTFB ${tenthsMs(floorTtfb)} (${(apiTtfb / floorTtfb).toFixed(2)}×)`,
        `≤ ${apiOwnTimeTargetMs} ms`,
        ownTime <= apiOwnTimeTargetMs,
      ),
      headline(
        'POST /api/ai/icp, cache miss: total median',
        `${tenthsMs(apiTotal)} (${(apiTotal / floorTotal).toFixed(2)}× floor)`,
        `floor ${tenthsMs(floorTotal)}`,
      ),
      headline(
        'POST /api/ai/icp, cache hit: total median',
        tenthsMs(hitTotal),
        `cache miss ${tenthsMs(apiTotal)}`,
        `< ${cachedTotalTargetMs} ms`,
        hitTotal < cachedTotalTargetMs,
      ),
    ],
  };
}
