// Nelson chat throughput under closed-loop clients next to a single client, for a tool-loop question and a plain-text
// one (instant offline model). Runs in its own process (see support/child-process-module.ts).
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { medianAndP95, tenthsUnder100Ms } from './support/format.ts';
import { startLoadClient } from './support/load-client.ts';
import { integerFromEnv } from './support/runs.ts';
import { type BenchModule, type BenchTable, figureColumns, type HeadlineRow, headline } from './support/table.ts';
import * as tenantData from './support/tenant-data.ts';

const defaultSeconds = 15;
const defaultClients = 20;
/** Untimed load at full concurrency before the first row (JIT, sockets, SDK clients, DynamoDB Local's JVM). */
const initialWarmUpMs = 3000;
/** Load before each row's window opens, without a gap, so the window starts in the steady state. */
const rowWarmUpMs = 1000;

const toolQuestion = {
  label: 'Tool loop: "Which partners do we have?" (searchPartners → text)',
  kind: 'tool loop (searchPartners → text)',
  text: 'Which partners do we have?',
  expect: {
    status: 200,
    endsWith: tenantData.uiStreamEnd,
    contains: [tenantData.uiPart('tool-output-available'), tenantData.uiPart('text-delta'), 'Hooli Cloud'],
  },
};
const textQuestion = {
  label: `Plain text: "${tenantData.plainChatQuestion}" (no tool)`,
  kind: 'plain text',
  text: tenantData.plainChatQuestion,
  expect: tenantData.plainChatAnswer,
};
type Question = typeof textQuestion;

export const chatThroughput: BenchModule = {
  name: 'chat-throughput',
  run: () => runInChildProcess(import.meta.url, 'measureChatThroughput'),
};

export async function measureChatThroughput(): Promise<BenchTable> {
  const seconds = integerFromEnv('BENCH_CHAT_SECONDS', defaultSeconds);
  const clients = integerFromEnv('BENCH_CHAT_CLIENTS', defaultClients);
  // The baseline and plain-text rows need fewer seconds for as many samples as the busy row gets per client.
  const shortMs = Math.max(2, Math.round(seconds / 3)) * 1000;
  // No pollers: the report worker and the stream projector play no part in a chat, and on AWS they run in
  // other functions, not next to the HTTP function on these two cores.
  const bench = await startBenchStack({
    tenant: 'Chat throughput benchmark',
    pollers: false,
    localBedrock: { latencyMs: 0 },
  });
  const client = startLoadClient();
  try {
    const [baseUrl, headers] = [bench.stack.baseUrl, bench.tenant.authorization];
    for (const partner of tenantData.benchPartners) await tenantData.createPartner(baseUrl, headers, partner);
    let served = 0;
    /** One row's load phase; any invalid response or failed request fails the benchmark. */
    const phase = async (question: Question, loops: number, durationMs: number, warmUpMs = rowWarmUpMs) => {
      bench.bedrock.reset();
      const json = tenantData.chatRequest(question.text);
      const workload = { kind: 'fixed' as const, json, headers, clients: loops, expect: question.expect };
      const result = await client.run({ url: bench.url('/api/ai/chat'), workload, warmUpMs, durationMs });
      if (result.failed > 0) {
        const failed = `${result.failed} of ${result.completed + result.failed} requests failed or were invalid`;
        throw new Error(`${question.label}, ${loops} client(s): ${failed}, e.g.\n${result.failures.join('\n')}`);
      }
      if (result.samples.length === 0) throw new Error(`${question.label}: no request completed in the window`);
      served += result.completed;
      const windowSeconds = (result.windowEnd - result.windowStart) / 1000;
      const perSecond = result.completedInWindow / windowSeconds;
      const since = (end: 'firstByteAt' | 'endAt') => result.samples.map((sample) => sample[end] - sample.sentAt);
      // The row's cells: the window and its chats, TTFB and total (median, p95), model calls per chat.
      const inWindow = [`${windowSeconds.toFixed(0)} s`, String(result.completedInWindow), perSecond.toFixed(1)];
      const latency = [since('firstByteAt'), since('endAt')].flatMap((spans) => medianAndP95(spans, tenthsUnder100Ms));
      const modelCalls = (bench.bedrock.requests.length / result.completed).toFixed(2); // before the next phase's reset
      const row = (speedUp: string) => [question.label, String(loops), ...inWindow, speedUp, ...latency, modelCalls];
      return { perSecond, row };
    };

    await phase(toolQuestion, clients, initialWarmUpMs, 0);
    const rows: string[][] = [];
    const headlines: HeadlineRow[] = [];
    for (const question of [toolQuestion, textQuestion]) {
      const single = await phase(question, 1, shortMs);
      const busy = await phase(question, clients, question === toolQuestion ? seconds * 1000 : shortMs);
      const speedUp = `${(busy.perSecond / single.perSecond).toFixed(2)}×`;
      rows.push(single.row('baseline'), busy.row(speedUp));
      const figure = `Chat requests/s, ${clients} clients, ${question.kind}`;
      const baseline = `1 client: ${single.perSecond.toFixed(1)}/s`;
      if (clients > 1) headlines.push(headline(figure, `${busy.perSecond.toFixed(1)}/s (${speedUp})`, baseline));
    }
    // Every chat is charged one unit: the quota counter must match what was served, under concurrency too.
    const { used } = (await tenantData.getOrganisation(baseUrl, headers)).quota;
    const quota = `${served} chats served in the whole run, the organisation’s counter says ${used} units used`;
    if (used !== served) throw new Error(`Quota mismatch: ${quota}`);
    return {
      title: 'Nelson chat throughput: POST /api/ai/chat, instant offline model, closed-loop clients',
      columns: [
        'Question',
        ...figureColumns('Clients', 'Window', 'Chats in window', 'Chats/s', 'vs 1 client', 'TTFB median', 'TTFB p95'),
        ...figureColumns('Total median', 'Total p95', 'Model calls / chat'),
      ],
      rows,
      notes: [`Quota: ${quota} (one unit per chat, as expected).`],
      headlines,
    };
  } finally {
    await client.close();
    await bench.stop();
  }
}
