/**
 * TTFB and total time of the streaming endpoints besides the ICP — IPP, partner types, partner suggestions and
 * Nelson's chat — each against its own floor (support/stream-floor.ts). A phase of the icp-ttfb module: it runs
 * on that module's stack, tenant, floor server and worker-thread client, after the ICP figures.
 */
import { randomUUID } from 'node:crypto';
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
import { median, percentile } from './support/stats.ts';
import type { StreamFloor } from './support/stream-floor.ts';
import { type BenchTable, headline } from './support/table.ts';
import { addKnowledgeDocument, benchKnowledgeDocument, benchPartners, createPartner } from './support/tenant-data.ts';
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
const chatQuestion = 'Hello Nelson, how are you today?';

/** The SSE framing of a UI message stream part (JsonToSseTransformStream). */
const part = (type: string) => `"type":"${type}"`;

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

  const measure = (path: string, json: () => unknown, check: (response: TimedResponse) => string | undefined) => {
    const call = (side: Side) => async () => {
      const response =
        side === 'api'
          ? await bench.http.post(new URL(path, baseUrl), json(), authorization)
          : await bench.http.post(floor.url(path), json());
      const problem =
        response.status === 200 ? check(response) : `HTTP ${response.status}: ${response.body.slice(0, 300)}`;
      if (problem) throw new Error(`POST ${path} (${side}): ${problem}`);
      return response;
    };
    return measurePair(bench.runs, bench.warmUpRuns, { api: call('api'), floor: call('floor') });
  };
  const results: EndpointResult[] = [];
  const run = async (path: string, json: () => unknown, check: (response: TimedResponse) => string | undefined) => {
    results.push({ endpoint: `POST ${path}`, samples: await measure(path, json, check) });
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
    () => ({ messages: [{ id: randomUUID(), role: 'user', parts: [{ type: 'text', text: chatQuestion }] }] }),
    (response) => {
      if (!response.body.endsWith('data: [DONE]\n\n')) return 'the UI message stream did not end with [DONE]';
      if (!response.body.includes(part('text-delta'))) return 'no text-delta part';
      if (response.body.includes(part('tool-input-start'))) return 'the model called a tool';
      return undefined;
    },
  );
  return results;
}

/** A check that the body is complete, schema-valid JSON. */
export function parses(schema: z.ZodType): (response: TimedResponse) => string | undefined {
  return (response) => {
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch {
      return `the body is not complete JSON: ${response.body.slice(0, 300)}`;
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : `the body does not match the schema: ${parsed.error.message.slice(0, 300)}`;
  };
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
      { header: 'Endpoint' },
      { header: 'Requests', align: 'right' },
      { header: 'API TTFB median', align: 'right' },
      { header: 'Floor TTFB median', align: 'right' },
      { header: 'TTFB API − floor', align: 'right' },
      { header: 'TTFB API / floor', align: 'right' },
      { header: 'TTFB p95 API / floor', align: 'right' },
      { header: 'API total median', align: 'right' },
      { header: 'Floor total median', align: 'right' },
      { header: 'Total API − floor', align: 'right' },
    ],
    rows: [icp, ...others].map(row),
    notes: [
      `Same stack, tenant, client and method as the ICP table: ${runs.others} requests per side and endpoint ` +
        `(BENCH_RUNS; the ICP row is the ICP table's ${runs.icp}), after untimed warm-ups, API and floor alternating. ` +
        'TTFB = request sent → first body chunk; total = → end of body. Every response is checked (HTTP 200 and a ' +
        'complete body that matches the endpoint’s schema: IPPResult, PartnerTypeResult, an array of at least one ' +
        'partner suggestion; the chat stream ends with `data: [DONE]`, has a text-delta part and no tool call).',
      'Floors (support/stream-floor.ts, node:http on the API’s own paths): the route’s streamText call with the same ' +
        'model id, schema, system prompt and prompt against the same local Bedrock endpoint, piped as the same kind of ' +
        'stream — pipeTextStreamToResponse of the text deltas (ICP, IPP, partner types); of the array elements, each ' +
        'written once complete as `[`, `,`… `]` (partner suggestions: both first bytes are the first whole element); ' +
        'for chat convertToModelMessages + streamText (same system prompt, Nelson’s tools offered, 5 steps) + ' +
        'toUIMessageStream + pipeUIMessageStreamToResponse (JsonToSseTransformStream), holding the start parts until ' +
        'the model’s first output as the API does (no message metadata). No auth, validation, quota or DynamoDB.',
      'What the API adds before its first byte: the Function URL shim, middy, the API-key check (credentials ' +
        'remembered for 30 s), validation and the quota UpdateItem (concurrent with the model call); partner types ' +
        'also read the current ICP and IPP and retrieve knowledge (a Query of the namespace’s chunks and an ' +
        'embeddings call to the local endpoint) before the model call; partner suggestions retrieve knowledge and ' +
        'read the roster (in parallel); chat validates the UI messages and trims the history. The floors get the ' +
        'same prompt inputs read once, untimed. After the last byte the API also saves the result (ICP, IPP, ' +
        'partner types) before it ends the response, which is in its total.',
      `Setup through the API, untimed: ${benchPartners.length} partners, one knowledge document in "${namespace}". ` +
        `Suggestions: always the prospect ${JSON.stringify(prospect.companyName)}; chat: "${chatQuestion}", which the ` +
        'offline model answers with text alone. No target is set for these endpoints; each is compared with its floor.',
    ],
    headlines,
  };
}
