/**
 * TTFB and total time of the streaming endpoints against their bare node:http floors (support/stream-floor.ts): the
 * ICP with its cache hit and the API's own time before its model call, then IPP, partner types, suggestions and chat.
 */
import { z } from 'zod';
import { formatKnowledgeForPrompt } from '../functions/domain/knowledge/knowledge-prompt.ts';
import { formatRosterForPrompt } from '../functions/domain/partners/roster.ts';
import { type IcpResult, icpPrompt, icpResultSchema, icpSystemPrompt } from '../functions/domain/strategy/icp.ts';
import * as ipp from '../functions/domain/strategy/ipp.ts';
import * as suggestions from '../functions/domain/strategy/partner-suggestions.ts';
import * as partnerTypes from '../functions/domain/strategy/partner-types.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { medianAndP95, signedMs, tenthsMs, verdict } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import { timeModelFetch } from './support/model-fetch-timing.ts';
import { expectationProblem, icpProblem, mustPass, parses } from './support/response-checks.ts';
import { runCount } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import { type FloorRoute, type StreamFloor, startStreamFloor } from './support/stream-floor.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import * as tenantData from './support/tenant-data.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

/** Targets: the API's own time before its model call (the floor has no admission to compare it with), the cache hit. */
const apiOwnTimeTargetMs = 15;
const cachedTotalTargetMs = 30;
const warmUpRuns = 5;
const defaultRuns = 40;
/** Per side and endpoint for IPP, partner types, partner suggestions and chat (BENCH_RUNS overrides both). */
const defaultEndpointRuns = 20;
const endpointWarmUpRuns = 3;
const namespace = 'default';
const prospect = {
  companyName: 'Contoso',
  industry: 'Retail analytics',
  painPoints: ['Slow reporting', 'Siloed data'],
};

type Side = 'api' | 'floor';
type Samples = Record<Side, TimedResponse[]>;
type Check = ReturnType<typeof parses>;
type Setup = { bench: BenchStack; floor: StreamFloor; http: WorkerClient };

export const icpTtfb: BenchModule = {
  name: 'icp-ttfb',
  async run(): Promise<BenchTable[]> {
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
      const icp = await measureIcp({ bench, floor, http }, runCount(defaultRuns));
      return [icp.table, await measureOtherEndpoints({ bench, floor, http }, icp)];
    } finally {
      await http.close();
      await floor.stop();
      await bench.stop();
    }
  },
};

/** Untimed warm-ups, then rounds where API and floor alternate, who goes first too, so drift and noise hit both. */
async function measurePair<Sample>(runs: number, warmUps: number, call: Record<Side, () => Promise<Sample>>) {
  for (let index = 0; index < warmUps; index++) {
    await call.api();
    await call.floor();
  }
  const samples: Record<Side, Sample[]> = { api: [], floor: [] };
  for (let round = 0; round < runs; round++) {
    for (const side of round % 2 === 0 ? (['api', 'floor'] as const) : (['floor', 'api'] as const)) {
      samples[side].push(await call[side]());
    }
  }
  return samples;
}

async function measureIcp({ bench, floor, http }: Setup, runs: number) {
  const icpPromptOf = (body: { company: string }) => icpPrompt(body.company);
  const floorUrl = floor.serve('/api/ai/icp', floor.object('icp', icpResultSchema, icpSystemPrompt, icpPromptOf));
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

  // Warm-up (JIT, keep-alive sockets, SDK clients), API first: its first company is the cached path's.
  const cachedCompany = freshCompany();
  await post('api', cachedCompany);
  await post('floor');
  const samples = await measurePair(runs, warmUpRuns - 1, { api: () => post('api'), floor: () => post('floor') });
  for (let index = 0; index < warmUpRuns; index++) await post('hit', cachedCompany);
  const hit: TimedResponse[] = [];
  for (let round = 0; round < runs; round++) hit.push(await post('hit', cachedCompany));

  // The model call's timing: the same kinds of requests again, one at a time, with fetch wrapped.
  const modelFetch = timeModelFetch(bench.bedrock.endpoint);
  const traced = await measurePair(runs, 0, {
    api: () => modelFetch.time(() => post('api')),
    floor: () => modelFetch.time(() => post('floor')),
  }).finally(modelFetch.uninstall);

  const cells = (values: number[]) => medianAndP95(values, tenthsMs);
  const row = (label: string, responses: TimedResponse[], target = '—') => [
    label,
    ...cells(values(responses, 'ttfbMs')),
    ...cells(values(responses, 'totalMs')),
    target,
  ];
  const [apiTtfb, floorTtfb] = medians(samples, 'ttfbMs');
  const [apiTotal, floorTotal] = medians(samples, 'totalMs');
  const hitTotal = median(values(hit, 'totalMs'));
  // Request sent → model request sent: what the API does before the model can start.
  const ownTimes = traced.api.map((trace) => trace.modelStartedAt - trace.sentAt);
  const ownTime = median(ownTimes);
  // Model's first chunk → client's first byte: the AI SDK and the response stream, which the floor has too.
  const afterModel = (side: Side) => cells(traced[side].map((trace) => trace.firstByteAt - trace.modelFirstChunkAt));
  const [apiAfterModel, floorAfterModel] = [afterModel('api'), afterModel('floor')];
  const table: BenchTable = {
    title: `ICP time to first byte: API vs bare node:http floor (instant model, ${runs} requests each)`,
    columns: ['Path', ...figureColumns('TTFB median', 'TTFB p95', 'Total median', 'Total p95'), 'Target'],
    rows: [
      row('Floor: node:http + streamText (no auth/quota/DB)', samples.floor),
      row('API POST /api/ai/icp, cache miss', samples.api),
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
        hit,
        verdict(hitTotal < cachedTotalTargetMs, `total median < ${cachedTotalTargetMs} ms`),
      ),
    ],
    notes: [
      `${warmUpRuns} untimed warm-up requests per path, after ${bench.dynamoWarmUp.operations} direct DynamoDB Local ` +
        `calls (${(bench.dynamoWarmUp.ms / 1000).toFixed(1)} s); the cached company is requested ${warmUpRuns} + ${runs} times.`,
    ],
    headlines: [
      headline(
        "POST /api/ai/icp, cache miss: API's own time before the first byte (request → model request, admission included), median",
        tenthsMs(ownTime),
        `TTFB ${tenthsMs(apiTtfb)}, floor TTFB ${tenthsMs(floorTtfb)} (${(apiTtfb / floorTtfb).toFixed(2)}×)`,
        `≤ ${apiOwnTimeTargetMs} ms`,
        ownTime <= apiOwnTimeTargetMs,
      ),
      vsFloor('POST /api/ai/icp, cache miss: total median', [apiTotal, floorTotal]),
      headline(
        'POST /api/ai/icp, cache hit: total median',
        tenthsMs(hitTotal),
        `cache miss ${tenthsMs(apiTotal)}`,
        `< ${cachedTotalTargetMs} ms`,
        hitTotal < cachedTotalTargetMs,
      ),
    ],
  };
  return { runs, samples, table };
}

/** The other endpoints, in one table whose ICP row repeats the ICP's samples. */
async function measureOtherEndpoints({ bench, floor, http }: Setup, icp: { runs: number; samples: Samples }) {
  const { stack, tenant } = bench;
  const { authorization, organisationId } = tenant;
  const runs = runCount(defaultEndpointRuns);
  // Untimed setup through the public API: a roster for the suggestions and Nelson, a document to ground in.
  for (const partner of tenantData.benchPartners) await tenantData.createPartner(stack.baseUrl, authorization, partner);
  await tenantData.addKnowledgeDocument(stack.baseUrl, authorization, namespace, tenantData.benchKnowledgeDocument);
  // Imported only now (stores and tools read the environment the stack has set, and the logger its level).
  const [{ getStrategy }, { listAllPartners }, { retrieveKnowledge }, { createChatTools }] = await Promise.all([
    import('../functions/stores/strategy-store.ts'),
    import('../functions/stores/partner-store.ts'),
    import('../functions/ai/retrieve-knowledge.ts'),
    import('../functions/chat/chat-tools.ts'),
  ]);
  const retrieved = async (query: string) => {
    const chunks = await retrieveKnowledge(organisationId, namespace, query);
    if (chunks.length === 0) throw new Error('The benchmark document was not retrieved: the prompts would differ');
    return formatKnowledgeForPrompt(chunks);
  };

  const rows = [{ endpoint: 'POST /api/ai/icp', samples: icp.samples }];
  /** Serves `floorRoute` at `path` on the floor, then times API and floor with the same checked request. */
  const measure = async (path: string, floorRoute: FloorRoute, json: () => unknown, check: Check) => {
    const url = { api: bench.url(path), floor: floor.serve(path, floorRoute) };
    const post = (side: Side) => async () => {
      const response = await http.post(url[side], json(), side === 'api' ? authorization : undefined);
      return mustPass(response, `POST ${path} (${side})`, check(response));
    };
    const samples = await measurePair(runs, endpointWarmUpRuns, { api: post('api'), floor: post('floor') });
    rows.push({ endpoint: `POST ${path}`, samples });
  };

  // IPP: the domain is sent, so the floor needs no key to derive it from.
  const ippBody = { icp: icpResultSchema.parse(JSON.parse(icp.samples.api[0]?.body ?? '')), domain: 'bench.example' };
  const ippPrompt = (body: typeof ippBody) => ipp.ippPrompt(body.domain, body.icp);
  const ippFloor = floor.object('ipp', ipp.ippResultSchema, ipp.ippSystemPrompt, ippPrompt);
  await measure('/api/ai/ipp', ippFloor, () => ippBody, parses(ipp.ippResultSchema));

  // Partner types: the API reads the current ICP and IPP (just saved) and retrieves knowledge on every request.
  const [currentIcp, currentIpp] = await Promise.all([
    getStrategy<IcpResult>(organisationId, 'icp'),
    getStrategy<ipp.IppResult>(organisationId, 'ipp'),
  ]);
  if (!currentIcp || !currentIpp) throw new Error('The tenant has no current ICP or IPP');
  const [savedIcp, savedIpp] = [currentIcp.result, currentIpp.result];
  const typesKnowledge = await retrieved(partnerTypes.partnerTypesKnowledgeQuery(savedIcp, savedIpp));
  const { partnerTypeResultSchema, partnerTypesSystemPrompt } = partnerTypes;
  const typesPrompt = () => partnerTypes.partnerTypesPrompt(savedIcp, savedIpp, typesKnowledge);
  const typesFloor = floor.object('partnerTypes', partnerTypeResultSchema, partnerTypesSystemPrompt, typesPrompt);
  await measure('/api/ai/strategy/partner-types', typesFloor, () => ({}), parses(partnerTypeResultSchema));

  // Partner suggestions: the active roster and knowledge for the prospect.
  const roster = formatRosterForPrompt(await listAllPartners(organisationId, { status: 'active' }));
  const prospectKnowledge = await retrieved(suggestions.partnerSuggestionsKnowledgeQuery({ ...prospect, namespace }));
  const suggestionsPrompt = (body: suggestions.PartnerSuggestionsRequest) =>
    suggestions.partnerSuggestionsPrompt(body, roster, prospectKnowledge);
  const { partnerSuggestionSchema: suggestion, partnerSuggestionsSystemPrompt: suggestionsSystem } = suggestions;
  const suggestionsFloor = floor.array('partnerSuggestions', suggestion, suggestionsSystem, suggestionsPrompt);
  await measure('/api/ai/partner-suggestions', suggestionsFloor, () => prospect, parses(z.array(suggestion).min(1)));

  // Chat: a question the offline model answers with text alone, so no tool runs (the floor has no database).
  const { chatRequest, plainChatAnswer, plainChatQuestion } = tenantData;
  const chatFloor = floor.chat(tenant.name, createChatTools(organisationId));
  const chatCheck = (response: TimedResponse) => expectationProblem(response, plainChatAnswer);
  await measure('/api/ai/chat', chatFloor, () => chatRequest(plainChatQuestion), chatCheck);

  // The ICP's summary rows are the ICP table's (with its targets), so only the other endpoints add headlines here.
  return {
    title: 'Streaming endpoints: time to first byte and total, API vs its bare node:http floor (instant model)',
    columns: [
      'Endpoint',
      ...figureColumns('Requests', 'API TTFB median', 'Floor TTFB median', 'TTFB API − floor', 'TTFB API / floor'),
      ...figureColumns('TTFB p95 API / floor', 'API total median', 'Floor total median', 'Total API − floor'),
    ],
    rows: rows.map(({ endpoint, samples }) => {
      const [apiTtfb, floorTtfb] = medians(samples, 'ttfbMs');
      const p95 = [samples.api, samples.floor].map((side) => tenthsMs(percentile(values(side, 'ttfbMs'), 95)));
      return [
        endpoint,
        String(samples.api.length),
        ...comparison([apiTtfb, floorTtfb]),
        `${(apiTtfb / floorTtfb).toFixed(2)}×`,
        p95.join(' / '),
        ...comparison(medians(samples, 'totalMs')),
      ];
    }),
    notes: [
      `${runs} requests per side and endpoint (BENCH_RUNS; the ICP row is the ICP table's ${icp.runs}). ` +
        `Suggestions: always the prospect ${JSON.stringify(prospect.companyName)}.`,
    ],
    headlines: rows
      .slice(1)
      .flatMap(({ endpoint, samples }) => [
        vsFloor(`${endpoint}: TTFB median`, medians(samples, 'ttfbMs')),
        vsFloor(`${endpoint}: total median`, medians(samples, 'totalMs')),
      ]),
  } satisfies BenchTable;
}

type Figure = 'ttfbMs' | 'totalMs';
const values = (responses: TimedResponse[], figure: Figure) => responses.map((response) => response[figure]);
const medians = ({ api, floor }: Samples, figure: Figure): [number, number] => [
  median(values(api, figure)),
  median(values(floor, figure)),
];
/** API vs floor: both medians and their difference. */
const comparison = ([api, floor]: [number, number]) => [tenthsMs(api), tenthsMs(floor), signedMs(api - floor)];
/** A summary row: a median next to its floor's. */
const vsFloor = (figure: string, [api, floor]: [number, number]) =>
  headline(figure, `${tenthsMs(api)} (${(api / floor).toFixed(2)}× floor)`, `floor ${tenthsMs(floor)}`);
