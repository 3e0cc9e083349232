// TTFB and total time of the streaming endpoints against bare node:http floors (support/stream-floor.ts): the ICP
// with its cache hit and the API's own time before its model call, then IPP, partner types, suggestions and chat.
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
import { type StreamFloor, startStreamFloor } from './support/stream-floor.ts';
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
type Check = ReturnType<typeof parses>;
type Setup = { bench: BenchStack; floor: StreamFloor; post: ReturnType<typeof checkedPost> };

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
      const setup = { bench, floor, post: checkedPost(bench, floor, http) };
      const icp = await measureIcp(setup, runCount(defaultRuns));
      return [icp.table, await measureOtherEndpoints(setup, icp)];
    } finally {
      await http.close();
      await floor.stop();
      await bench.stop();
    }
  },
};

/** POSTs `json` to `path` on the API (with the tenant's key) or on its floor; fails on a response `check` rejects. */
const checkedPost =
  (bench: BenchStack, floor: StreamFloor, http: WorkerClient) =>
  async (side: Side, path: string, json: unknown, check: Check) => {
    const headers = side === 'api' ? bench.tenant.authorization : undefined;
    const response = await http.post(side === 'api' ? bench.url(path) : floor.url(path), json, headers);
    return mustPass(response, `POST ${path} (${side})`, check(response));
  };

/** Untimed warm-up rounds (below 0, API first), then rounds where API and floor take turns going first. */
async function measurePair<Sample>(runs: number, warmUps: number, call: (side: Side) => Promise<Sample>) {
  const samples: Record<Side, Sample[]> = { api: [], floor: [] };
  for (let round = -warmUps; round < runs; round++) {
    for (const side of round % 2 === 1 ? (['floor', 'api'] as const) : (['api', 'floor'] as const)) {
      const sample = await call(side);
      if (round >= 0) samples[side].push(sample);
    }
  }
  return samples;
}

async function measureIcp({ bench, floor, post }: Setup, runs: number) {
  const path = '/api/ai/icp';
  floor.object(path, 'icp', icpResultSchema, icpSystemPrompt, (body: { company: string }) => icpPrompt(body.company));
  const runId = Date.now().toString(36);
  let companies = 0;
  // A new company per generation, so the ICP cache is never hit; company 0 (the first warm-up's) is the cached one.
  const company = (index = companies++) => ({ company: `bench-${runId}-${index}.example.com` });
  const miss = (side: Side) =>
    post(side, path, company(), (response) => icpProblem(response, side === 'api' ? 'miss' : undefined));
  // Warm-up (JIT, keep-alive sockets, SDK clients), API first; then the cache hit after its own warm-up.
  const samples = await measurePair(runs, warmUpRuns, miss);
  const hits: TimedResponse[] = [];
  const hitCheck = (response: TimedResponse) => icpProblem(response, 'hit');
  for (let round = 0; round < warmUpRuns + runs; round++) hits.push(await post('api', path, company(0), hitCheck));

  // The model call's timing: the same kinds of requests again, one at a time, with fetch wrapped.
  const modelFetch = timeModelFetch(bench.bedrock.endpoint);
  const traced = await measurePair(runs, 0, (side) => modelFetch.time(() => miss(side))).finally(modelFetch.uninstall);

  const [icp, hit] = [apiVsFloor(samples), timings(hits.slice(warmUpRuns))];
  const cells = ({ ttfb, ttfbP95, total, totalP95 }: Timings) => [ttfb, ttfbP95, total, totalP95].map(tenthsMs);
  // Request sent → model request sent: what the API does before the model can start.
  const ownTimes = traced.api.map((trace) => trace.modelStartedAt - trace.sentAt);
  const ownTime = median(ownTimes);
  const ownTimePasses = ownTime <= apiOwnTimeTargetMs;
  // Model's first chunk → client's first byte: the AI SDK and the response stream, which the floor has too.
  const afterModel = (side: Side) => traced[side].map((trace) => trace.firstByteAt - trace.modelFirstChunkAt);
  const floorAfterModel = medianAndP95(afterModel('floor'), tenthsMs);
  const hitPasses = hit.total < cachedTotalTargetMs;
  const hitVerdict = verdict(hitPasses, `total median < ${cachedTotalTargetMs} ms`);
  const table: BenchTable = {
    title: `ICP time to first byte: API vs bare node:http floor (instant model, ${runs} requests each)`,
    columns: ['Path', ...figureColumns('TTFB median', 'TTFB p95', 'Total median', 'Total p95'), 'Target'],
    rows: [
      ['Floor: node:http + streamText (no auth/quota/DB)', ...cells(icp.floor), '—'],
      ['API POST /api/ai/icp, cache miss', ...cells(icp.api), '—'],
      [
        "API's own time before the first byte: request → model request (auth, cache, admission; timed)",
        ...medianAndP95(ownTimes, tenthsMs),
        ...['—', '—', verdict(ownTimePasses, `median ≤ ${apiOwnTimeTargetMs} ms`)],
      ],
      [
        'then first model chunk → client first byte (AI SDK, response stream): API / floor (timed)',
        ...medianAndP95(afterModel('api'), tenthsMs).map((cell, index) => `${cell} / ${floorAfterModel[index]}`),
        ...['—', '—', '—'],
      ],
      ['API POST /api/ai/icp, cache hit (x-cache: hit)', ...cells(hit), hitVerdict],
    ],
    notes: [
      `${warmUpRuns} untimed warm-up requests per path, after ${bench.dynamoWarmUp.operations} direct DynamoDB Local ` +
        `calls (${(bench.dynamoWarmUp.ms / 1000).toFixed(1)} s); the cached company is requested ${warmUpRuns} + ${runs} times.`,
    ],
    headlines: [
      headline(
        "POST /api/ai/icp, cache miss: API's own time before the first byte (request → model request, admission included), median",
        tenthsMs(ownTime),
        `TTFB ${tenthsMs(icp.api.ttfb)}, floor TTFB ${tenthsMs(icp.floor.ttfb)} (${ratio(icp.api.ttfb, icp.floor.ttfb)})`,
        `≤ ${apiOwnTimeTargetMs} ms`,
        ownTimePasses,
      ),
      vsFloor('POST /api/ai/icp, cache miss: total median', icp.api.total, icp.floor.total),
      headline(
        'POST /api/ai/icp, cache hit: total median',
        tenthsMs(hit.total),
        `cache miss ${tenthsMs(icp.api.total)}`,
        `< ${cachedTotalTargetMs} ms`,
        hitPasses,
      ),
    ],
  };
  return { samples, row: { path, runs, ...icp }, table };
}

/** The other endpoints, in one table whose ICP row repeats the ICP's figures. */
async function measureOtherEndpoints({ bench, floor, post }: Setup, icp: Awaited<ReturnType<typeof measureIcp>>) {
  const { authorization, organisationId, name } = bench.tenant;
  const runs = runCount(defaultEndpointRuns);
  // Untimed setup through the public API: a roster for the suggestions and Nelson, a document to ground in.
  const { baseUrl } = bench.stack;
  for (const partner of tenantData.benchPartners) await tenantData.createPartner(baseUrl, authorization, partner);
  await tenantData.addKnowledgeDocument(baseUrl, authorization, namespace, tenantData.benchKnowledgeDocument);
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

  const rows: (typeof icp.row)[] = [];
  /** Times API and floor (served at `path` beforehand) with the same checked request. */
  const measure = async (path: string, json: () => unknown, check: Check) => {
    const samples = await measurePair(runs, endpointWarmUpRuns, (side) => post(side, path, json(), check));
    rows.push({ path, runs, ...apiVsFloor(samples) });
  };

  // IPP: the domain is sent, so the floor needs no key to derive it from.
  const ippBody = { icp: icpResultSchema.parse(JSON.parse(icp.samples.api[0]?.body ?? '')), domain: 'bench.example' };
  const ippPrompt = (body: typeof ippBody) => ipp.ippPrompt(body.domain, body.icp);
  floor.object('/api/ai/ipp', 'ipp', ipp.ippResultSchema, ipp.ippSystemPrompt, ippPrompt);
  await measure('/api/ai/ipp', () => ippBody, parses(ipp.ippResultSchema));

  // Partner types: the API reads the current ICP and IPP (just saved) and retrieves knowledge on every request.
  const savedIcp = (await getStrategy<IcpResult>(organisationId, 'icp'))?.result;
  const savedIpp = (await getStrategy<ipp.IppResult>(organisationId, 'ipp'))?.result;
  if (!savedIcp || !savedIpp) throw new Error('The tenant has no current ICP or IPP');
  const typesKnowledge = await retrieved(partnerTypes.partnerTypesKnowledgeQuery(savedIcp, savedIpp));
  const { partnerTypeResultSchema: typesSchema, partnerTypesSystemPrompt: typesSystem } = partnerTypes;
  const typesPrompt = () => partnerTypes.partnerTypesPrompt(savedIcp, savedIpp, typesKnowledge);
  floor.object('/api/ai/strategy/partner-types', 'partnerTypes', typesSchema, typesSystem, typesPrompt);
  await measure('/api/ai/strategy/partner-types', () => ({}), parses(typesSchema));

  // Partner suggestions: the active roster and knowledge for the prospect.
  const roster = formatRosterForPrompt(await listAllPartners(organisationId, { status: 'active' }));
  const prospectKnowledge = await retrieved(suggestions.partnerSuggestionsKnowledgeQuery({ ...prospect, namespace }));
  const suggestionsPrompt = (body: suggestions.PartnerSuggestionsRequest) =>
    suggestions.partnerSuggestionsPrompt(body, roster, prospectKnowledge);
  const { partnerSuggestionSchema: suggestion, partnerSuggestionsSystemPrompt: suggestionsSystem } = suggestions;
  floor.array('/api/ai/partner-suggestions', 'partnerSuggestions', suggestion, suggestionsSystem, suggestionsPrompt);
  await measure('/api/ai/partner-suggestions', () => prospect, parses(z.array(suggestion).min(1)));

  // Chat: a question the offline model answers with text alone, so no tool runs (the floor has no database).
  floor.chat('/api/ai/chat', name, createChatTools(organisationId));
  const chatCheck = (response: TimedResponse) => expectationProblem(response, tenantData.plainChatAnswer);
  await measure('/api/ai/chat', () => tenantData.chatRequest(tenantData.plainChatQuestion), chatCheck);

  // The ICP's summary rows are the ICP table's (with its targets), so only the other endpoints add headlines here.
  return {
    title: 'Streaming endpoints: time to first byte and total, API vs its bare node:http floor (instant model)',
    columns: [
      'Endpoint',
      ...figureColumns('Requests', 'API TTFB median', 'Floor TTFB median', 'TTFB API − floor', 'TTFB API / floor'),
      ...figureColumns('TTFB p95 API / floor', 'API total median', 'Floor total median', 'Total API − floor'),
    ],
    rows: [icp.row, ...rows].map(({ path, runs, api, floor }) => [
      `POST ${path}`,
      String(runs),
      ...comparison(api.ttfb, floor.ttfb),
      ratio(api.ttfb, floor.ttfb),
      `${tenthsMs(api.ttfbP95)} / ${tenthsMs(floor.ttfbP95)}`,
      ...comparison(api.total, floor.total),
    ]),
    notes: [`${runs} requests per side and endpoint (BENCH_RUNS; the ICP row is the ICP table's ${icp.row.runs}).`],
    headlines: rows.flatMap(({ path, api, floor }) => [
      vsFloor(`POST ${path}: TTFB median`, api.ttfb, floor.ttfb),
      vsFloor(`POST ${path}: total median`, api.total, floor.total),
    ]),
  } satisfies BenchTable;
}

/** Median and nearest-rank p95 of the TTFBs and totals of one path's responses: what both tables print. */
function timings(responses: TimedResponse[]) {
  const ttfb = responses.map((response) => response.ttfbMs);
  const total = responses.map((response) => response.totalMs);
  return { ttfb: median(ttfb), ttfbP95: percentile(ttfb, 95), total: median(total), totalP95: percentile(total, 95) };
}
type Timings = ReturnType<typeof timings>;
const apiVsFloor = ({ api, floor }: Record<Side, TimedResponse[]>) => ({ api: timings(api), floor: timings(floor) });
const ratio = (api: number, floor: number) => `${(api / floor).toFixed(2)}×`;
/** API vs floor: both medians and their difference. */
const comparison = (api: number, floor: number) => [tenthsMs(api), tenthsMs(floor), signedMs(api - floor)];
/** A summary row: a median next to its floor's. */
const vsFloor = (figure: string, api: number, floor: number) =>
  headline(figure, `${tenthsMs(api)} (${ratio(api, floor)} floor)`, `floor ${tenthsMs(floor)}`);
