/** Bedrock prompt caching off (the in-run baseline) and on, as the local endpoint's cache simulation counts it. */
import { modelPricesDate, tokenCostUsd } from '../functions/domain/model-prices.ts';
import { reportSystemPrompt } from '../functions/domain/reports/report-context.ts';
import { sectionPlans } from '../functions/domain/reports/report-types.ts';
import { systemText } from '../local/bedrock/conversation.ts';
import type { ConverseRequest } from '../local/bedrock/converse-types.ts';
import type { RecordedRequest } from '../local/bedrock/server.ts';
import { sendChatTurn, userMessage } from '../test/support/ui-chat-turn.ts';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { pacedOfflineGenerator } from './support/paced-generator.ts';
import { followReportToEnd, startReport } from './support/report-stream.ts';
import { integerFromEnv } from './support/runs.ts';
import { type SseClient, startSseClient } from './support/sse-client.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import * as tenantData from './support/tenant-data.ts';
import { startWorkerClient, type WorkerClient } from './support/worker-client.ts';

export const promptCaching: BenchModule = {
  name: 'prompt-caching',
  run: () => runInChildProcess(import.meta.url, 'measurePromptCaching'),
};

const settings = {
  firstChunkMs: integerFromEnv('BENCH_CACHE_FIRST_CHUNK_MS', 800, 0),
  sectionMs: integerFromEnv('BENCH_CACHE_SECTION_MS', 6_000),
  concurrency: integerFromEnv('BENCH_CACHE_CONCURRENCY', 6),
};
const modes = ['off', 'on'] as const;
const reportType = 'executive-summary' as const;
const sectionCount = sectionPlans[reportType].length;
const summitNotes = Array.from({ length: 20 }, () => tenantData.benchKnowledgeDocument.content).join('\n\n');
const pastedBriefing = `Here is the briefing from our partner summit, for the questions that follow:\n\n${summitNotes}`;
const chatTurns = [
  ['chat turn 1 (pasted briefing, tool loop)', `${pastedBriefing}\n\nWhich partners do we have?`],
  ['chat turn 2', 'Which of them are in EMEA?'],
  ['chat turn 3', 'Thanks. What should we do with them next quarter?'],
] as const;

const isReportPrompt = (request: ConverseRequest) => systemText(request) === reportSystemPrompt;

// In the token table's column order.
const tokenKinds = ['inputTokens', 'cacheWriteInputTokens', 'cacheReadInputTokens', 'outputTokens'] as const;
type Usage = Record<(typeof tokenKinds)[number] | 'calls' | 'costUsd', number>;

const tokens = (value: number) => Math.round(value).toLocaleString('en-US');
const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : 4)}`;
const ratio = (value: number) => value.toFixed(2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const usageHeaders = ['Model calls', 'Input, uncached', 'Cache write', 'Cache read', 'Output', 'Model-token cost'];
const usageCells = (usage: Usage) =>
  [usage.calls, ...tokenKinds.map((kind) => usage[kind])].map(tokens).concat(usd(usage.costUsd));

/** Model calls (embedding calls left out), their tokens and their cost at list prices, summed. */
function usageOf(requests: readonly RecordedRequest[]): Usage {
  const total = Object.fromEntries([...tokenKinds, 'calls', 'costUsd'].map((key) => [key, 0])) as Usage;
  for (const { operation, modelId, usage } of requests.filter((request) => request.operation !== 'invoke')) {
    if (!usage) throw new Error(`A ${operation} request to ${modelId} recorded no usage`);
    const one: Usage = { ...usage, calls: 1, costUsd: tokenCostUsd(modelId, usage) };
    for (const key of Object.keys(total) as Array<keyof Usage>) total[key] += one[key];
  }
  return total;
}

/** The report's uncached input over one section's whole context, and its sections' wall time over the longest. */
function reportFigures(report: RecordedRequest[], whole: Usage, endToEndMs: number) {
  const sections = report.filter((call) => call.operation !== 'invoke' && isReportPrompt(call.body as ConverseRequest));
  if (sections.length !== sectionCount) throw new Error(`${sections.length} section requests, not ${sectionCount}`);
  const { inputTokens, cacheReadInputTokens, cacheWriteInputTokens } = usageOf(sections);
  const oneSectionContext = (inputTokens + cacheReadInputTokens + cacheWriteInputTokens) / sectionCount;
  const uncached = whole.inputTokens + whole.cacheWriteInputTokens;
  const spans = sections.map((request) => [Date.parse(request.receivedAt), request.answeredAt ?? Number.NaN] as const);
  const sectionsWallMs = Math.max(...spans.map(([, end]) => end)) - Math.min(...spans.map(([start]) => start));
  const longestSectionMs = Math.max(...spans.map(([start, end]) => end - start));
  const [uncachedRatio, wallRatio] = [uncached / oneSectionContext, sectionsWallMs / longestSectionMs];
  const cells = [...[oneSectionContext, uncached].map(tokens), ratio(uncachedRatio)];
  cells.push(...[sectionsWallMs, longestSectionMs].map(seconds), ratio(wallRatio), seconds(endToEndMs));
  return { uncachedRatio, wallRatio, cells };
}

async function postAsTenant(bench: BenchStack, path: string, body: object): Promise<string> {
  const response = await tenantData.postJson(bench.stack.baseUrl, path, bench.tenant.authorization, body);
  return tenantData.bodyWithStatus(response, 200, `POST ${path}`);
}

async function runMode(bench: BenchStack, http: WorkerClient, sse: SseClient, mode: string) {
  const [{ baseUrl }, { authorization }] = [bench.stack, bench.tenant];
  const requestsDuring = async (action: () => Promise<unknown>) => {
    const start = bench.bedrock.requests.length;
    await action();
    return bench.bedrock.requests.slice(start);
  };
  const company = `cache-${mode}-${crypto.randomUUID()}.example`;
  const icp = await requestsDuring(() => postAsTenant(bench, '/api/ai/icp', { company }));
  const operations: Array<[string, Usage]> = [['ICP (cache miss of the ICP cache)', usageOf(icp)]];
  let endToEndMs = 0;
  const report = await requestsDuring(async () => {
    // A new organisation name per run: its context is a prefix the cache has never seen.
    const orgName = `Cache bench ${mode} ${crypto.randomUUID()}`;
    const body = { orgName, domain: 'bench.example', reportType, filterFingerprint: crypto.randomUUID() };
    const started = await startReport(http, baseUrl, authorization, body);
    const followed = { reportId: started.reportId, sections: sectionCount, timeoutMs: 120_000 };
    endToEndMs = (await followReportToEnd(sse, baseUrl, authorization, followed)).terminal.receivedAt - started.sentAt;
  });
  const reportUsage = usageOf(report);
  operations.push(['executive-summary report (6 sections)', reportUsage]);
  const [messages, chat]: [Parameters<typeof sendChatTurn>[1], RecordedRequest[]] = [[], []];
  const chatEndpoint = { baseUrl, headers: authorization, body: { currentRoute: '/partners' } };
  for (const [name, question] of chatTurns) {
    messages.push(userMessage(question));
    const turnRequests = await requestsDuring(async () => {
      const turn = await sendChatTurn(chatEndpoint, messages);
      if (turn.errors.length > 0) throw turn.errors[0];
      if (!turn.message) throw new Error('The chat produced no assistant message');
      messages.push(turn.message);
    });
    operations.push([name, usageOf(turnRequests)]);
    chat.push(...turnRequests);
  }
  const chatUsage = usageOf(chat);
  operations.push(['chat, 3 turns', chatUsage]);
  return { operations, report: reportFigures(report, reportUsage, endToEndMs), reportUsage, chatUsage };
}
type ModeRun = Awaited<ReturnType<typeof runMode>>;

/** The summary's figures, caching on against off; a limit is the target (≤). */
const headlineFigures: Array<[figure: string, value: (run: ModeRun) => number, format: typeof usd, limit?: number]> = [
  ['Report uncached input / one section’s context', (run) => run.report.uncachedRatio, ratio, 1.5],
  ['Report sections wall / longest section', (run) => run.report.wallRatio, ratio, 1.3],
  ['Model-token cost per report', (run) => run.reportUsage.costUsd, usd],
  ['Model-token cost per 3-turn chat', (run) => run.chatUsage.costUsd, usd],
];

function tables(runs: Record<(typeof modes)[number], ModeRun>): BenchTable[] {
  return [
    {
      title: 'Prompt caching: model tokens and cost per operation, caching off (baseline) and on',
      columns: ['Operation', 'Caching', ...figureColumns(...usageHeaders, 'Saving')],
      rows: runs.off.operations.flatMap(([name, off], index) => {
        const on = runs.on.operations[index]?.[1] as Usage;
        const saving = off.costUsd > 0 ? `${Math.round((1 - on.costUsd / off.costUsd) * 100)} %` : '—';
        return [
          [name, 'off', ...usageCells(off), '—'],
          [name, 'on', ...usageCells(on), saving],
        ];
      }),
      notes: [
        `Tokens: the local Bedrock endpoint’s estimates and cache simulation; prices of ${modelPricesDate} ` +
          `(functions/domain/model-prices.ts); the chat’s pasted briefing is ${tokens(pastedBriefing.length / 4)} tokens.`,
      ],
    },
    {
      title: 'Prompt caching: executive-summary report, uncached input and wall time',
      columns: [
        'Caching',
        ...figureColumns('One section’s context', 'Report uncached input', 'Uncached / one context'),
      ].concat(figureColumns('Sections wall', 'Longest section', 'Wall / longest', 'POST → job.completed')),
      rows: modes.map((mode) => [mode, ...runs[mode].report.cells]),
      notes: [
        `Sections: ${settings.concurrency} at once, first output after ${settings.firstChunkMs} ms, done after about ` +
          `${settings.sectionMs} ms (BENCH_CACHE_CONCURRENCY, BENCH_CACHE_FIRST_CHUNK_MS, BENCH_CACHE_SECTION_MS).`,
      ],
      headlines: headlineFigures.map(([figure, value, format, limit]) => {
        const [on, off] = [value(runs.on), value(runs.off)];
        const [target, pass] = limit === undefined ? [] : [`≤ ${limit}`, on <= limit];
        return headline(`${figure} (caching on)`, format(on), `${format(off)} (off)`, target, pass);
      }),
    },
  ];
}

export async function measurePromptCaching(): Promise<BenchTable[]> {
  const sectionPace = { firstMs: settings.firstChunkMs, totalMs: settings.sectionMs };
  const generator = pacedOfflineGenerator((request) => (isReportPrompt(request) ? sectionPace : undefined));
  const bench = await startBenchStack({ tenant: 'Prompt caching benchmark', localBedrock: { generator } });
  const [http, sse] = [startWorkerClient(), startSseClient()];
  try {
    const { resetEnvironmentCache } = await import('../functions/runtime/environment.ts');
    const [{ baseUrl }, { authorization }] = [bench.stack, bench.tenant];
    for (const partner of tenantData.benchPartners) await tenantData.createPartner(baseUrl, authorization, partner);
    await tenantData.addKnowledgeDocument(baseUrl, authorization, 'default', tenantData.benchKnowledgeDocument);
    const icp = JSON.parse(await postAsTenant(bench, '/api/ai/icp', { company: 'bench.example' }));
    await postAsTenant(bench, '/api/ai/ipp', { icp, domain: 'bench.example' });
    process.env.REPORT_SECTION_CONCURRENCY = String(settings.concurrency);
    const runs = {} as Parameters<typeof tables>[0];
    for (const mode of modes) {
      process.env.PROMPT_CACHING = mode;
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
