/**
 * What Bedrock prompt caching saves, with caching on and off in the same run: model tokens and cost of an ICP, an
 * executive-summary report and a 3-turn Nelson chat, and the report's uncached input and wall time. The local Bedrock
 * endpoint simulates the cache and records each answer's usage. Method: bench/README.md. Runs in its own process.
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
  bodyWithStatus,
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

const tokenKinds = ['inputTokens', 'cacheWriteInputTokens', 'cacheReadInputTokens', 'outputTokens'] as const;
type Usage = Record<(typeof tokenKinds)[number] | 'requests' | 'costUsd', number>;
const noUsage = (): Usage => ({
  requests: 0,
  inputTokens: 0,
  cacheWriteInputTokens: 0,
  cacheReadInputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
});

function add(total: Usage, usage: Usage): Usage {
  for (const key of Object.keys(total) as Array<keyof Usage>) total[key] += usage[key];
  return total;
}
const sum = (usages: Usage[]) => usages.reduce(add, noUsage());

function usageOf(requests: readonly RecordedRequest[]): Usage {
  return sum(
    requests
      .filter((request) => request.operation !== 'invoke')
      .map((request) => {
        if (!request.usage) throw new Error(`A ${request.operation} request to ${request.modelId} recorded no usage`);
        return { ...request.usage, requests: 1, costUsd: tokenCostUsd(request.modelId, request.usage) };
      }),
  );
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

async function runMode(bench: BenchStack, http: WorkerClient, sse: SseClient, mode: Mode): Promise<ModeRun> {
  const { authorization } = bench.tenant;
  const baseUrl = bench.stack.baseUrl;
  let mark = bench.bedrock.requests.length;
  /** The model requests since the last call, and a new mark. */
  const sinceMark = () => {
    const since = bench.bedrock.requests.slice(mark);
    mark += since.length;
    return since;
  };

  const company = `cache-${mode}-${randomUUID()}.example`;
  await okBody(await postJson(baseUrl, '/api/ai/icp', authorization, { company }), 'POST /api/ai/icp');
  const icp = usageOf(sinceMark());

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
  const reportRequests = sinceMark();
  const sections = reportRequests.filter(isReportSection);
  if (sections.length !== sectionCount) throw new Error(`${sections.length} section requests, not ${sectionCount}`);

  const chatTurns: Usage[] = [];
  const messages: UIMessage[] = [];
  for (const question of chatQuestions) {
    messages.push(userMessage(question));
    const turn = await sendChatTurn({ baseUrl, headers: authorization, body: { currentRoute: '/partners' } }, messages);
    if (turn.errors.length > 0) throw turn.errors[0];
    if (!turn.message) throw new Error('The chat produced no assistant message');
    messages.push(turn.message);
    chatTurns.push(usageOf(sinceMark()));
  }
  const reportEndToEndMs = terminal.receivedAt - started.sentAt;
  return { icp, report: usageOf(reportRequests), sections, reportEndToEndMs, chatTurns };
}

const okBody = (response: Response, what: string) => bodyWithStatus(response, 200, what);
const tokens = (value: number) => Math.round(value).toLocaleString('en-US');
const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : 4)}`;
const ratio = (value: number) => value.toFixed(2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const saving = (on: number, off: number) => (off > 0 ? `${Math.round((1 - on / off) * 100)} %` : '—');

function reportFigures(run: ModeRun) {
  const contexts = run.sections.map((request) =>
    request.usage
      ? request.usage.inputTokens + request.usage.cacheReadInputTokens + request.usage.cacheWriteInputTokens
      : 0,
  );
  const oneSectionContext = contexts.reduce((total, value) => total + value, 0) / contexts.length;
  const uncached = run.report.inputTokens + run.report.cacheWriteInputTokens;
  const starts = run.sections.map((request) => Date.parse(request.receivedAt));
  const ends = run.sections.map((request) => request.answeredAt ?? Number.NaN);
  const sectionsWallMs = Math.max(...ends) - Math.min(...starts);
  const longestSectionMs = Math.max(...ends.map((end, index) => end - (starts[index] ?? 0)));
  const wallRatio = sectionsWallMs / longestSectionMs;
  return {
    oneSectionContext,
    uncached,
    uncachedRatio: uncached / oneSectionContext,
    sectionsWallMs,
    longestSectionMs,
    wallRatio,
  };
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
        const cost = mode === 'on' ? saving(usage.costUsd, pick(runs.off).costUsd) : '—';
        return [
          name,
          mode,
          String(usage.requests),
          ...tokenKinds.map((kind) => tokens(usage[kind])),
          usd(usage.costUsd),
          cost,
        ];
      }),
    ),
    notes: [
      `Tokens: the local Bedrock endpoint’s estimates and cache simulation; prices of ${modelPricesDate} ` +
        `(functions/domain/model-prices.ts); the chat’s pasted briefing is ${tokens(pastedBriefing.length / 4)} tokens. ` +
        'Method in bench/README.md.',
    ],
  };

  const figures = { on: reportFigures(runs.on), off: reportFigures(runs.off) };
  const { on, off } = figures;
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
    rows: modes.map((mode) => [
      mode,
      tokens(figures[mode].oneSectionContext),
      tokens(figures[mode].uncached),
      ratio(figures[mode].uncachedRatio),
      seconds(figures[mode].sectionsWallMs),
      seconds(figures[mode].longestSectionMs),
      ratio(figures[mode].wallRatio),
      seconds(runs[mode].reportEndToEndMs),
    ]),
    notes: [
      `Sections: ${settings.concurrency} at once, first output after ${settings.firstChunkMs} ms, done after about ` +
        `${settings.sectionMs} ms (BENCH_CACHE_CONCURRENCY, BENCH_CACHE_FIRST_CHUNK_MS, BENCH_CACHE_SECTION_MS).`,
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
    const { authorization } = bench.tenant;
    const baseUrl = bench.stack.baseUrl;
    for (const partner of benchPartners) await createPartner(baseUrl, authorization, partner);
    await addKnowledgeDocument(baseUrl, authorization, 'default', benchKnowledgeDocument);
    // The report quotes the organisation's current ICP and IPP: generate them as a user would.
    const icp = JSON.parse(
      await okBody(await postJson(baseUrl, '/api/ai/icp', authorization, { company: 'bench.example' }), 'ICP'),
    );
    await okBody(await postJson(baseUrl, '/api/ai/ipp', authorization, { icp, domain: 'bench.example' }), 'IPP');
    const runs = {} as Record<Mode, ModeRun>;
    for (const mode of modes) {
      process.env.PROMPT_CACHING = mode;
      process.env.REPORT_SECTION_CONCURRENCY = String(settings.concurrency);
      resetEnvironmentCache();
      runs[mode] = await runMode(bench, http, sse, mode);
    }
    return tables(runs);
  } finally {
    await http.close();
    await sse.close();
    await bench.stop();
  }
}
