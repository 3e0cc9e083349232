/**
 * What Bedrock prompt caching saves, measured on the local stack with caching on and off in the same run: the
 * tokens (uncached input, cache write, cache read, output) and model-token cost of an ICP, an executive-summary
 * report and a 3-turn Nelson chat, the report's uncached input against one section's context, and what running
 * the first section alone (so the others read its cache) costs in report wall time. The local Bedrock endpoint
 * simulates the cache (local/bedrock/prompt-cache.ts) and records each answer's usage. Runs in its own process.
 */
import { randomUUID } from 'node:crypto';
import type { UIMessage } from 'ai';
import { modelPricesDate, tokenCostUsd } from '../functions/domain/model-prices.ts';
import { reportSystemPrompt } from '../functions/domain/reports/report-context.ts';
import { sectionPlans } from '../functions/domain/reports/report-types.ts';
import { systemText } from '../local/bedrock/conversation.ts';
import type { RecordedRequest } from '../local/bedrock/server.ts';
import { sendChatTurn, userMessage } from '../test/support/ui-chat-turn.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { pacedOfflineGenerator } from './support/paced-generator.ts';
import { followReportToEnd, startReport } from './support/report-stream.ts';
import { integerFromEnv } from './support/runs.ts';
import { type SseClient, startSseClient } from './support/sse-client.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import {
  addKnowledgeDocument,
  benchKnowledgeDocument,
  benchPartners,
  createPartner,
  postJson,
} from './support/tenant-data.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

export const promptCaching: BenchModule = {
  name: 'prompt-caching',
  run: () => runInChildProcess(import.meta.url, 'measurePromptCaching'),
};

const settings = {
  /** Report sections: time to the first output (the prompt being processed), then the answer streamed over the rest. */
  firstChunkMs: integerFromEnv('BENCH_CACHE_FIRST_CHUNK_MS', 800, 0),
  sectionMs: integerFromEnv('BENCH_CACHE_SECTION_MS', 6_000),
  /** Sections at once; 6 lets every executive-summary section run together, where the wall-time target applies. */
  concurrency: integerFromEnv('BENCH_CACHE_CONCURRENCY', 6),
};

const modes = ['off', 'on'] as const;
type Mode = (typeof modes)[number];

interface Usage {
  requests: number;
  inputTokens: number;
  cacheWriteInputTokens: number;
  cacheReadInputTokens: number;
  outputTokens: number;
  costUsd: number;
}

function usageOf(requests: readonly RecordedRequest[]): Usage {
  const total: Usage = {
    requests: 0,
    inputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheReadInputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  for (const request of requests) {
    if (request.operation === 'invoke') continue;
    if (!request.usage) throw new Error(`A ${request.operation} request to ${request.modelId} recorded no usage`);
    total.requests += 1;
    total.inputTokens += request.usage.inputTokens;
    total.cacheWriteInputTokens += request.usage.cacheWriteInputTokens;
    total.cacheReadInputTokens += request.usage.cacheReadInputTokens;
    total.outputTokens += request.usage.outputTokens;
    total.costUsd += tokenCostUsd(request.modelId, request.usage);
  }
  return total;
}

const isReportSection = (request: RecordedRequest) =>
  request.operation !== 'invoke' && systemText(request.body as Parameters<typeof systemText>[0]) === reportSystemPrompt;

interface ModeRun {
  icp: Usage;
  report: Usage;
  sections: RecordedRequest[];
  /** POST generate → job.completed on the SSE stream. */
  reportEndToEndMs: number;
  chatTurns: Usage[];
}

const pastedBriefing = `Here is the briefing from our partner summit, for the questions that follow:\n\n${Array.from(
  { length: 20 },
  () => benchKnowledgeDocument.content,
).join('\n\n')}`;
const chatQuestions = [
  `${pastedBriefing}\n\nWhich partners do we have?`,
  'Which of them are in EMEA?',
  'Thanks. What should we do with them next quarter?',
];

async function chatTurn(baseUrl: string, authorization: Record<string, string>, messages: UIMessage[]) {
  const { message, errors } = await sendChatTurn(
    { baseUrl, headers: authorization, body: { currentRoute: '/partners' } },
    messages,
  );
  if (errors.length > 0) throw errors[0];
  if (!message) throw new Error('The chat produced no assistant message');
  return message;
}

async function readOk(response: Response, what: string): Promise<string> {
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

async function runMode(
  bench: BenchStack,
  http: WorkerClient,
  sse: SseClient,
  setMode: (mode: Mode) => void,
  mode: Mode,
): Promise<ModeRun> {
  setMode(mode);
  const { authorization } = bench.tenant;
  const baseUrl = bench.stack.baseUrl;
  const since = (mark: number) => bench.bedrock.requests.slice(mark);

  let mark = bench.bedrock.requests.length;
  await readOk(
    await postJson(baseUrl, '/api/ai/icp', authorization, { company: `cache-${mode}-${randomUUID()}.example` }),
    'POST /api/ai/icp',
  );
  const icp = usageOf(since(mark));

  mark = bench.bedrock.requests.length;
  const started = await startReport(http, baseUrl, authorization, {
    // A new organisation name per run: its context is a prefix the cache has never seen.
    orgName: `Cache bench ${mode} ${randomUUID()}`,
    domain: 'bench.example',
    reportType: 'executive-summary',
    filterFingerprint: randomUUID(),
  });
  const sectionCount = sectionPlans['executive-summary'].length;
  const { terminal } = await followReportToEnd(sse, baseUrl, authorization, {
    reportId: started.reportId,
    sections: sectionCount,
    timeoutMs: 120_000,
  });
  const reportRequests = since(mark);
  const sections = reportRequests.filter(isReportSection);
  if (sections.length !== sectionCount) throw new Error(`${sections.length} section requests, not ${sectionCount}`);

  const chatTurns: Usage[] = [];
  const messages: UIMessage[] = [];
  for (const question of chatQuestions) {
    mark = bench.bedrock.requests.length;
    messages.push(userMessage(question));
    messages.push(await chatTurn(baseUrl, authorization, messages));
    chatTurns.push(usageOf(since(mark)));
  }
  return {
    icp,
    report: usageOf(reportRequests),
    sections,
    reportEndToEndMs: terminal.receivedAt - started.sentAt,
    chatTurns,
  };
}

const tokens = (value: number) => Math.round(value).toLocaleString('en-US');
const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : 4)}`;
const ratio = (value: number) => value.toFixed(2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const saving = (on: number, off: number) => (off > 0 ? `${Math.round((1 - on / off) * 100)} %` : '—');

const sectionContext = (request: RecordedRequest) =>
  (request.usage?.inputTokens ?? 0) +
  (request.usage?.cacheReadInputTokens ?? 0) +
  (request.usage?.cacheWriteInputTokens ?? 0);

function reportFigures(run: ModeRun) {
  const contexts = run.sections.map(sectionContext);
  const oneSectionContext = contexts.reduce((sum, value) => sum + value, 0) / contexts.length;
  const uncached = run.report.inputTokens + run.report.cacheWriteInputTokens;
  const starts = run.sections.map((request) => Date.parse(request.receivedAt));
  const ends = run.sections.map((request) => request.answeredAt ?? Number.NaN);
  const sectionsWallMs = Math.max(...ends) - Math.min(...starts);
  const longestSectionMs = Math.max(...ends.map((end, index) => end - (starts[index] ?? 0)));
  return {
    oneSectionContext,
    uncached,
    uncachedRatio: uncached / oneSectionContext,
    sectionsWallMs,
    longestSectionMs,
    wallRatio: sectionsWallMs / longestSectionMs,
  };
}

function sum(usages: Usage[]): Usage {
  return usages.reduce(
    (total, usage) => ({
      requests: total.requests + usage.requests,
      inputTokens: total.inputTokens + usage.inputTokens,
      cacheWriteInputTokens: total.cacheWriteInputTokens + usage.cacheWriteInputTokens,
      cacheReadInputTokens: total.cacheReadInputTokens + usage.cacheReadInputTokens,
      outputTokens: total.outputTokens + usage.outputTokens,
      costUsd: total.costUsd + usage.costUsd,
    }),
    { requests: 0, inputTokens: 0, cacheWriteInputTokens: 0, cacheReadInputTokens: 0, outputTokens: 0, costUsd: 0 },
  );
}

function tables(runs: Record<Mode, ModeRun>): BenchTable[] {
  const operations: Array<[string, (run: ModeRun) => Usage]> = [
    ['ICP (cache miss of the ICP cache)', (run) => run.icp],
    ['executive-summary report (6 sections)', (run) => run.report],
    ...runs.on.chatTurns.map((_turn, index): [string, (run: ModeRun) => Usage] => [
      `chat turn ${index + 1}${index === 0 ? ' (pasted briefing, tool loop)' : ''}`,
      (run) => run.chatTurns[index] as Usage,
    ]),
    ['chat, 3 turns', (run) => sum(run.chatTurns)],
  ];
  const tokenTable: BenchTable = {
    title: 'Prompt caching: model tokens and cost per operation, caching off (baseline) and on',
    columns: [
      'Operation',
      'Caching',
      ...figureColumns(
        'Model calls',
        'Input, uncached',
        'Cache write',
        'Cache read',
        'Output',
        'Model-token cost',
        'Saving',
      ),
    ],
    rows: operations.flatMap(([name, pick]) =>
      modes.map((mode) => {
        const usage = pick(runs[mode]);
        return [
          name,
          mode,
          String(usage.requests),
          tokens(usage.inputTokens),
          tokens(usage.cacheWriteInputTokens),
          tokens(usage.cacheReadInputTokens),
          tokens(usage.outputTokens),
          usd(usage.costUsd),
          mode === 'on' ? saving(usage.costUsd, pick(runs.off).costUsd) : '—',
        ];
      }),
    ),
    notes: [
      'Tokens are the local Bedrock endpoint’s estimates (JSON characters / 4, input and output alike), split by its ' +
        'prompt cache simulation as Bedrock bills them: minimum 1,024 tokens per cache point for Claude Sonnet 4.5 ' +
        '(ICP, reports), 4,096 for Haiku 4.5 (chat); 5-minute TTL refreshed on reads. The offline model writes short ' +
        'answers, so output tokens, and the output share of the cost, are far below a real model’s.',
      `Prices: Bedrock on-demand list prices per million tokens (functions/domain/model-prices.ts, ${modelPricesDate}; ` +
        'Sonnet 4.5 $3 input / $15 output / $3.75 cache write / $0.30 cache read, Haiku 4.5 $1 / $5 / $1.25 / $0.10). ' +
        'The report’s knowledge-retrieval embedding is not included.',
      'The tenant has 5 partners, a generated ICP and IPP and one knowledge document; the chat’s first message pastes ' +
        `a ${tokens(pastedBriefing.length / 4)}-token briefing. Each mode uses a new report organisation name, so the ` +
        'report starts with a cold cache; the chat turns run in order, as a user sends them.',
    ],
  };

  const on = reportFigures(runs.on);
  const off = reportFigures(runs.off);
  const reportTable: BenchTable = {
    title: 'Prompt caching: executive-summary report, uncached input and wall time',
    columns: [
      'Caching',
      ...figureColumns(
        'One section’s context',
        'Report uncached input',
        'Uncached / one context',
        'Sections wall',
        'Longest section',
        'Wall / longest',
        'POST → job.completed',
      ),
    ],
    rows: modes.map((mode) => {
      const figures = mode === 'on' ? on : off;
      return [
        mode,
        tokens(figures.oneSectionContext),
        tokens(figures.uncached),
        ratio(figures.uncachedRatio),
        seconds(figures.sectionsWallMs),
        seconds(figures.longestSectionMs),
        ratio(figures.wallRatio),
        seconds(runs[mode].reportEndToEndMs),
      ];
    }),
    notes: [
      'One section’s context: a section call’s whole input (uncached + cache write + cache read), mean of the 6. ' +
        'Report uncached input: every input token of the report not read from the cache (uncached + cache write). ' +
        'Targets with caching: uncached / one context ≤ 1.5 (without caching it is 6, one full context per section); ' +
        'sections wall ≤ 1.3 × the longest section.',
      `Sections: ${settings.concurrency} at once (REPORT_SECTION_CONCURRENCY; BENCH_CACHE_CONCURRENCY), each ` +
        `answering its first output after ${settings.firstChunkMs} ms and finishing after about ${settings.sectionMs} ms ` +
        '(BENCH_CACHE_FIRST_CHUNK_MS, BENCH_CACHE_SECTION_MS). With caching the first section runs alone until its ' +
        'first output, which is what it costs in wall time; without, all start together. Sections wall: first section ' +
        'request received → last section answered, at the local Bedrock endpoint.',
    ],
    headlines: [
      headline(
        'Report uncached input / one section’s context (caching on)',
        ratio(on.uncachedRatio),
        `${ratio(off.uncachedRatio)} (off)`,
        '≤ 1.5',
        on.uncachedRatio <= 1.5,
      ),
      headline(
        'Report sections wall / longest section (caching on)',
        ratio(on.wallRatio),
        `${ratio(off.wallRatio)} (off)`,
        '≤ 1.3',
        on.wallRatio <= 1.3,
      ),
      headline(
        'Model-token cost per report (caching on)',
        usd(runs.on.report.costUsd),
        `${usd(runs.off.report.costUsd)} (off)`,
      ),
      headline(
        'Model-token cost per 3-turn chat (caching on)',
        usd(sum(runs.on.chatTurns).costUsd),
        `${usd(sum(runs.off.chatTurns).costUsd)} (off)`,
      ),
    ],
  };
  return [tokenTable, reportTable];
}

export async function measurePromptCaching(): Promise<BenchTable[]> {
  const bench = await startBenchStack({
    tenant: 'Prompt caching benchmark',
    localBedrock: {
      // Report sections only, paced like a real model; everything else answers at once.
      generator: pacedOfflineGenerator((request) =>
        systemText(request) === reportSystemPrompt
          ? { firstMs: settings.firstChunkMs, totalMs: settings.sectionMs }
          : undefined,
      ),
    },
  });
  const http = startWorkerClient();
  const sse = startSseClient();
  try {
    const { resetEnvironmentCache } = await import('../functions/runtime/environment.ts');
    const setMode = (mode: Mode) => {
      process.env.PROMPT_CACHING = mode;
      process.env.REPORT_SECTION_CONCURRENCY = String(settings.concurrency);
      resetEnvironmentCache();
    };
    const { authorization } = bench.tenant;
    const baseUrl = bench.stack.baseUrl;
    for (const partner of benchPartners) await createPartner(baseUrl, authorization, partner);
    await addKnowledgeDocument(baseUrl, authorization, 'default', benchKnowledgeDocument);
    // The report quotes the organisation's current ICP and IPP: generate them as a user would.
    const icp = JSON.parse(
      await readOk(await postJson(baseUrl, '/api/ai/icp', authorization, { company: 'bench.example' }), 'ICP'),
    );
    await readOk(await postJson(baseUrl, '/api/ai/ipp', authorization, { icp, domain: 'bench.example' }), 'IPP');
    const runs = {} as Record<Mode, ModeRun>;
    for (const mode of modes) runs[mode] = await runMode(bench, http, sse, setMode, mode);
    return tables(runs);
  } finally {
    await http.close();
    await sse.close();
    await bench.stop();
  }
}
