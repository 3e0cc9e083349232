/**
 * TTFB and total time of the streaming endpoints besides the ICP — IPP, partner types, partner suggestions and
 * Nelson's chat — each against its own floor (support/stream-floor.ts). A phase of the icp-ttfb module: it runs
 * on that module's stack, tenant, floor server and worker-thread client, after the ICP figures.
 */
import { z } from 'zod';
import type { IcpResult } from '../functions/domain/strategy/icp.ts';
import { type IppResult, ippResultSchema } from '../functions/domain/strategy/ipp.ts';
import {
  partnerSuggestionSchema,
  partnerSuggestionsKnowledgeQuery,
} from '../functions/domain/strategy/partner-suggestions.ts';
import { partnerTypeResultSchema, partnerTypesKnowledgeQuery } from '../functions/domain/strategy/partner-types.ts';
import { signedMs, tenthsMs } from './support/format.ts';
import type { TimedResponse } from './support/http-timing.ts';
import { expectationProblem, mustPass, parses } from './support/response-checks.ts';
import { median, percentile } from './support/stats.ts';
import type { StreamFloor } from './support/stream-floor.ts';
import { type BenchTable, figureColumns, headline } from './support/table.ts';
import {
  addKnowledgeDocument,
  benchKnowledgeDocument,
  benchPartners,
  chatRequest,
  createPartner,
  plainChatAnswer,
  plainChatQuestion,
} from './support/tenant-data.ts';
import type { WorkerClient } from './support/worker-client.ts';

export type Side = 'api' | 'floor';
export type Samples = Record<Side, TimedResponse[]>;

/** API and floor alternate, and who goes first alternates too, so drift and noise spread over both. */
export const pairOrder = (round: number): Side[] => (round % 2 === 0 ? ['api', 'floor'] : ['floor', 'api']);

/** Untimed warm-up requests per side, then `runs` interleaved rounds. */
export async function measurePair(
  runs: number,
  warmUpRuns: number,
  call: Record<Side, () => Promise<TimedResponse>>,
): Promise<Samples> {
  for (let index = 0; index < warmUpRuns; index++) {
    await call.api();
    await call.floor();
  }
  const samples: Samples = { api: [], floor: [] };
  for (let round = 0; round < runs; round++) {
    for (const side of pairOrder(round)) samples[side].push(await call[side]());
  }
  return samples;
}

export interface EndpointBench {
  http: WorkerClient;
  baseUrl: string;
  floor: StreamFloor;
  authorization: Record<string, string>;
  organisationId: string;
  organisationName: string;
  /** A valid ICP, posted to the IPP endpoint. */
  icp: IcpResult;
  runs: number;
  warmUpRuns: number;
}

export interface EndpointResult {
  endpoint: string;
  samples: Samples;
}

const namespace = 'default';
const prospect = {
  companyName: 'Contoso',
  industry: 'Retail analytics',
  painPoints: ['Slow reporting', 'Siloed data'],
};

export async function measureStreamingEndpoints(bench: EndpointBench): Promise<EndpointResult[]> {
  const { baseUrl, authorization, floor, organisationId } = bench;
  // Untimed setup through the public API: a roster for the suggestions and Nelson, a document to ground in.
  for (const partner of benchPartners) await createPartner(baseUrl, authorization, partner);
  await addKnowledgeDocument(baseUrl, authorization, namespace, benchKnowledgeDocument);
  // Imported only now (stores and tools read the environment the stack has set, and the logger its level).
  const [{ getStrategy }, { listAllPartners }, knowledge, roster, { createChatTools }] = await Promise.all([
    import('../functions/stores/strategy-store.ts'),
    import('../functions/stores/partner-store.ts'),
    import('../functions/ai/retrieve-knowledge.ts'),
    import('../functions/domain/partners/roster.ts'),
    import('../functions/chat/chat-tools.ts'),
  ]);
  const retrieved = async (query: string) => {
    const chunks = await knowledge.retrieveKnowledge(organisationId, namespace, query);
    if (chunks.length === 0) throw new Error('The benchmark document was not retrieved: the prompts would differ');
    return knowledge.formatKnowledgeForPrompt(chunks);
  };

  const results: EndpointResult[] = [];
  const run = async (path: string, json: () => unknown, check: (response: TimedResponse) => string | undefined) => {
    const call = (side: Side) => async () => {
      const response =
        side === 'api'
          ? await bench.http.post(new URL(path, baseUrl), json(), authorization)
          : await bench.http.post(floor.url(path), json());
      return mustPass(response, `POST ${path} (${side})`, check(response));
    };
    const samples = await measurePair(bench.runs, bench.warmUpRuns, { api: call('api'), floor: call('floor') });
    results.push({ endpoint: `POST ${path}`, samples });
  };

  // IPP: the domain is sent, so the floor needs no key to derive it from.
  await run('/api/ai/ipp', () => ({ icp: bench.icp, domain: 'bench.example' }), parses(ippResultSchema));

  // Partner types: the API reads the current ICP and IPP (just saved) and retrieves knowledge on every request.
  const [icp, ipp] = await Promise.all([
    getStrategy<IcpResult>(organisationId, 'icp'),
    getStrategy<IppResult>(organisationId, 'ipp'),
  ]);
  if (!icp || !ipp) throw new Error('The tenant has no current ICP or IPP');
  floor.grounding.partnerTypes = {
    icp: icp.result,
    ipp: ipp.result,
    knowledge: await retrieved(partnerTypesKnowledgeQuery(icp.result, ipp.result)),
  };
  await run('/api/ai/strategy/partner-types', () => ({}), parses(partnerTypeResultSchema));

  // Partner suggestions: knowledge for the prospect and the active roster.
  floor.grounding.partnerSuggestions = {
    roster: roster.formatRosterForPrompt(await listAllPartners(organisationId, { status: 'active' })),
    knowledge: await retrieved(partnerSuggestionsKnowledgeQuery({ ...prospect, namespace })),
  };
  await run('/api/ai/partner-suggestions', () => prospect, parses(z.array(partnerSuggestionSchema).min(1)));

  // Chat: a question the offline model answers with text alone, so no tool runs (the floor has no database).
  floor.grounding.chat = { organisationName: bench.organisationName, tools: createChatTools(organisationId) };
  await run(
    '/api/ai/chat',
    () => chatRequest(plainChatQuestion),
    (response) => expectationProblem(response, plainChatAnswer),
  );
  return results;
}

const ttfb = (samples: TimedResponse[]) => samples.map((sample) => sample.ttfbMs);
const total = (samples: TimedResponse[]) => samples.map((sample) => sample.totalMs);

/**
 * Every streaming endpoint against its floor. The ICP row repeats the ICP table's samples; its summary rows come
 * from that table (with the ICP's targets), so only the other endpoints add headlines here.
 */
export function streamingEndpointsTable(
  runs: { icp: number; others: number },
  icp: EndpointResult,
  others: EndpointResult[],
): BenchTable {
  const row = ({ endpoint, samples: { api, floor } }: EndpointResult) => {
    const [apiTtfb, floorTtfb] = [median(ttfb(api)), median(ttfb(floor))];
    const [apiTotal, floorTotal] = [median(total(api)), median(total(floor))];
    return [
      endpoint,
      String(api.length),
      tenthsMs(apiTtfb),
      tenthsMs(floorTtfb),
      signedMs(apiTtfb - floorTtfb),
      `${(apiTtfb / floorTtfb).toFixed(2)}×`,
      `${tenthsMs(percentile(ttfb(api), 95))} / ${tenthsMs(percentile(ttfb(floor), 95))}`,
      tenthsMs(apiTotal),
      tenthsMs(floorTotal),
      signedMs(apiTotal - floorTotal),
    ];
  };
  const headlines = others.flatMap(({ endpoint, samples: { api, floor } }) => {
    const figure = (what: 'TTFB' | 'total', values: (samples: TimedResponse[]) => number[]) => {
      const [apiMedian, floorMedian] = [median(values(api)), median(values(floor))];
      return headline(
        `${endpoint}: ${what} median`,
        `${tenthsMs(apiMedian)} (${(apiMedian / floorMedian).toFixed(2)}× floor)`,
        `floor ${tenthsMs(floorMedian)}`,
      );
    };
    return [figure('TTFB', ttfb), figure('total', total)];
  });
  return {
    title: 'Streaming endpoints: time to first byte and total, API vs its bare node:http floor (instant model)',
    columns: [
      'Endpoint',
      ...figureColumns(
        'Requests',
        'API TTFB median',
        'Floor TTFB median',
        'TTFB API − floor',
        'TTFB API / floor',
        'TTFB p95 API / floor',
        'API total median',
        'Floor total median',
        'Total API − floor',
      ),
    ],
    rows: [icp, ...others].map(row),
    notes: [
      `${runs.others} requests per side and endpoint (BENCH_RUNS; the ICP row is the ICP table's ${runs.icp}). ` +
        `Suggestions: always the prospect ${JSON.stringify(prospect.companyName)}.`,
    ],
    headlines,
  };
}
