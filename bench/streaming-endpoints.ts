/**
 * TTFB and total time of the streaming endpoints besides the ICP (IPP, partner types, partner suggestions, Nelson's
 * chat), each against its floor: a phase of icp-ttfb, on that module's stack, tenant, floor server and client.
 */
import { z } from 'zod';
import { formatKnowledgeForPrompt } from '../functions/domain/knowledge/knowledge-prompt.ts';
import { formatRosterForPrompt } from '../functions/domain/partners/roster.ts';
import { type IcpResult, icpResultSchema } from '../functions/domain/strategy/icp.ts';
import * as ipp from '../functions/domain/strategy/ipp.ts';
import * as suggestions from '../functions/domain/strategy/partner-suggestions.ts';
import * as partnerTypes from '../functions/domain/strategy/partner-types.ts';
import type { BenchStack } from './support/bench-stack.ts';
import { signedMs, tenthsMs } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import { expectationProblem, mustPass, parses } from './support/response-checks.ts';
import { runCount } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import type { FloorRoute, StreamFloor } from './support/stream-floor.ts';
import { type BenchTable, figureColumns, headline } from './support/table.ts';
import * as tenantData from './support/tenant-data.ts';
import type { WorkerClient } from './support/worker-client.ts';

type Side = 'api' | 'floor';
type Samples = Record<Side, TimedResponse[]>;

/** Per side and endpoint (BENCH_RUNS overrides it), after untimed warm-ups. */
const defaultRuns = 20;
const warmUpRuns = 3;
const namespace = 'default';
const prospect = {
  companyName: 'Contoso',
  industry: 'Retail analytics',
  painPoints: ['Slow reporting', 'Siloed data'],
};

/** Untimed warm-ups, then rounds where API and floor alternate, who goes first too, so drift and noise hit both. */
export async function measurePair<Sample>(runs: number, warmUps: number, call: Record<Side, () => Promise<Sample>>) {
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

/** Measures the other endpoints; returns the table of all of them, whose ICP row repeats `icp`'s samples. */
export async function measureStreamingEndpoints(
  { stack, tenant }: BenchStack,
  floor: StreamFloor,
  http: WorkerClient,
  icp: { runs: number; samples: Samples },
): Promise<BenchTable> {
  const { authorization, organisationId } = tenant;
  const runs = runCount(defaultRuns);
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
  const measure = async (
    path: string,
    floorRoute: FloorRoute,
    json: () => unknown,
    check: ReturnType<typeof parses>,
  ) => {
    const url = { api: new URL(path, stack.baseUrl), floor: floor.serve(path, floorRoute) };
    const post = (side: Side) => async () => {
      const response = await http.post(url[side], json(), side === 'api' ? authorization : undefined);
      return mustPass(response, `POST ${path} (${side})`, check(response));
    };
    const samples = await measurePair(runs, warmUpRuns, { api: post('api'), floor: post('floor') });
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
  const strategy = [currentIcp.result, currentIpp.result] as const;
  const typesKnowledge = await retrieved(partnerTypes.partnerTypesKnowledgeQuery(...strategy));
  const { partnerTypeResultSchema, partnerTypesSystemPrompt } = partnerTypes;
  const typesPrompt = () => partnerTypes.partnerTypesPrompt(...strategy, typesKnowledge);
  const typesFloor = floor.object('partnerTypes', partnerTypeResultSchema, partnerTypesSystemPrompt, typesPrompt);
  await measure('/api/ai/strategy/partner-types', typesFloor, () => ({}), parses(partnerTypeResultSchema));

  // Partner suggestions: the active roster and knowledge for the prospect.
  const roster = formatRosterForPrompt(await listAllPartners(organisationId, { status: 'active' }));
  const suggestionsKnowledge = await retrieved(
    suggestions.partnerSuggestionsKnowledgeQuery({ ...prospect, namespace }),
  );
  const { partnerSuggestionSchema, partnerSuggestionsSystemPrompt } = suggestions;
  const suggestionsPrompt = (body: suggestions.PartnerSuggestionsRequest) =>
    suggestions.partnerSuggestionsPrompt(body, roster, suggestionsKnowledge);
  const suggestionsFloor = floor.array(
    'partnerSuggestions',
    partnerSuggestionSchema,
    partnerSuggestionsSystemPrompt,
    suggestionsPrompt,
  );
  const suggestionsCheck = parses(z.array(partnerSuggestionSchema).min(1));
  await measure('/api/ai/partner-suggestions', suggestionsFloor, () => prospect, suggestionsCheck);

  // Chat: a question the offline model answers with text alone, so no tool runs (the floor has no database).
  const { chatRequest, plainChatAnswer, plainChatQuestion } = tenantData;
  const chatFloor = floor.chat(tenant.name, createChatTools(organisationId));
  const chatCheck = (response: TimedResponse) => expectationProblem(response, plainChatAnswer);
  await measure('/api/ai/chat', chatFloor, () => chatRequest(plainChatQuestion), chatCheck);
  return endpointsTable(runs, icp.runs, rows);
}

type Figure = 'ttfbMs' | 'totalMs';
const values = (responses: TimedResponse[], figure: Figure) => responses.map((response) => response[figure]);
const medians = ({ api, floor }: Samples, figure: Figure): [number, number] => [
  median(values(api, figure)),
  median(values(floor, figure)),
];

/** API vs floor: median, median and difference. */
const comparison = ([api, floor]: [number, number]) => [tenthsMs(api), tenthsMs(floor), signedMs(api - floor)];

/** The ICP's summary rows are the ICP table's (with its targets), so only the other endpoints add headlines here. */
function endpointsTable(runs: number, icpRuns: number, rows: Array<{ endpoint: string; samples: Samples }>) {
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
      `${runs} requests per side and endpoint (BENCH_RUNS; the ICP row is the ICP table's ${icpRuns}). ` +
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

/** A summary row of a median next to its floor's. */
export const vsFloor = (figure: string, [api, floor]: [number, number]) =>
  headline(figure, `${tenthsMs(api)} (${(api / floor).toFixed(2)}× floor)`, `floor ${tenthsMs(floor)}`);
