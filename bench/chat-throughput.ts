/**
 * Nelson chat throughput: `POST /api/ai/chat` through the local stack with an instant offline model,
 * driven by concurrent closed-loop clients on a worker thread for a fixed time. Requests per second of complete,
 * validated UI-message streams, TTFB and total time, next to a single-client baseline, for a question that runs
 * the tool loop (searchPartners, then a text answer) and a plain-text one. Runs in its own process (see
 * support/child-process-module.ts).
 */
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { medianAndP95, tenthsUnder100Ms } from './support/format.ts';
import { type LoadResult, startLoadClient } from './support/load-client.ts';
import type { ResponseExpectation } from './support/response-checks.ts';
import { integerFromEnv } from './support/runs.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';
import {
  benchPartners,
  chatRequest,
  createPartner,
  getOrganisation,
  plainChatAnswer,
  plainChatQuestion,
  uiPart,
  uiStreamEnd,
} from './support/tenant-data.ts';

/** Defaults; BENCH_CHAT_SECONDS and BENCH_CHAT_CLIENTS override them. */
const defaultSeconds = 15;
const defaultClients = 20;
/** Untimed load at full concurrency before the first row (JIT, sockets, SDK clients, DynamoDB Local's JVM). */
const initialWarmUpMs = 3000;
/** Load before each row's window opens, without a gap, so the window starts in the steady state. */
const rowWarmUpMs = 1000;

interface Question {
  label: string;
  text: string;
  expect: ResponseExpectation;
}

const questions: Record<'tool' | 'text', Question> = {
  tool: {
    label: 'Tool loop: "Which partners do we have?" (searchPartners → text)',
    text: 'Which partners do we have?',
    expect: {
      status: 200,
      endsWith: uiStreamEnd,
      contains: [uiPart('tool-output-available'), uiPart('text-delta'), 'Hooli Cloud'],
    },
  },
  text: {
    label: `Plain text: "${plainChatQuestion}" (no tool)`,
    text: plainChatQuestion,
    expect: plainChatAnswer,
  },
};

interface Row {
  question: Question;
  clients: number;
  result: LoadResult;
  /** Model requests the local endpoint received during the whole phase (warm-up and drain included). */
  modelRequests: number;
}

export const chatThroughput: BenchModule = {
  name: 'chat-throughput',
  run: () => runInChildProcess(import.meta.url, 'measureChatThroughput'),
};

export async function measureChatThroughput(): Promise<BenchTable[]> {
  const seconds = integerFromEnv('BENCH_CHAT_SECONDS', defaultSeconds);
  const clients = integerFromEnv('BENCH_CHAT_CLIENTS', defaultClients);
  // The baseline and plain-text rows need fewer seconds for as many samples as the busy row gets per client.
  const shortSeconds = Math.max(2, Math.round(seconds / 3));
  let bench: BenchStack | undefined;
  const client = startLoadClient();
  try {
    // No pollers: the report worker and the stream projector play no part in a chat, and on AWS they run in
    // other functions, not next to the HTTP function on these two cores.
    bench = await startBenchStack({
      tenant: 'Chat throughput benchmark',
      pollers: false,
      localBedrock: { latencyMs: 0 },
    });
    const { stack, bedrock: localBedrock } = bench;
    const { authorization } = bench.tenant;
    for (const partner of benchPartners) await createPartner(stack.baseUrl, authorization, partner);

    const chatUrl = new URL('/api/ai/chat', stack.baseUrl);
    const phase = async (question: Question, phaseClients: number, warmUpMs: number, durationMs: number) => {
      localBedrock.reset();
      const result = await client.run({
        url: chatUrl,
        workload: {
          kind: 'fixed',
          json: chatRequest(question.text),
          headers: authorization,
          clients: phaseClients,
          expect: question.expect,
        },
        warmUpMs,
        durationMs,
      });
      if (result.failed > 0) {
        throw new Error(
          `${question.label}, ${phaseClients} client(s): ${result.failed} of ${result.completed + result.failed} ` +
            `requests failed or were invalid, e.g.\n${result.failures.join('\n')}`,
        );
      }
      if (result.samples.length === 0) throw new Error(`${question.label}: no request completed in the window`);
      return { question, clients: phaseClients, result, modelRequests: localBedrock.requests.length } satisfies Row;
    };

    const initial = await phase(questions.tool, clients, 0, initialWarmUpMs);
    const rows: Row[] = [];
    rows.push(await phase(questions.tool, 1, rowWarmUpMs, shortSeconds * 1000));
    rows.push(await phase(questions.tool, clients, rowWarmUpMs, seconds * 1000));
    rows.push(await phase(questions.text, 1, rowWarmUpMs, shortSeconds * 1000));
    rows.push(await phase(questions.text, clients, rowWarmUpMs, shortSeconds * 1000));

    // Every chat is charged one unit: the quota counter must match what was served, under concurrency too.
    const served = [initial, ...rows].reduce((sum, row) => sum + row.result.completed, 0);
    const quotaUsed = (await getOrganisation(stack.baseUrl, authorization)).quota.used;

    return [throughputTable(rows, { served, quotaUsed })];
  } finally {
    await client.close();
    await bench?.stop();
  }
}

const windowSeconds = (row: Row) => (row.result.windowEnd - row.result.windowStart) / 1000;
const throughput = (row: Row) => row.result.completedInWindow / windowSeconds(row);

function throughputTable(rows: Row[], quota: { served: number; quotaUsed: number }): BenchTable {
  const baseline = (row: Row) => rows.find((other) => other.question === row.question && other.clients === 1);
  return {
    title: 'Nelson chat throughput: POST /api/ai/chat, instant offline model, closed-loop clients',
    columns: [
      'Question',
      ...figureColumns(
        'Clients',
        'Window',
        'Chats in window',
        'Chats/s',
        'vs 1 client',
        'TTFB median',
        'TTFB p95',
        'Total median',
        'Total p95',
        'Model calls / chat',
      ),
    ],
    rows: rows.map((row) => {
      const since = (end: 'firstByteAt' | 'endAt') => row.result.samples.map((sample) => sample[end] - sample.sentAt);
      const base = baseline(row);
      return [
        row.question.label,
        String(row.clients),
        `${windowSeconds(row).toFixed(0)} s`,
        String(row.result.completedInWindow),
        throughput(row).toFixed(1),
        !base || base === row ? 'baseline' : `${(throughput(row) / throughput(base)).toFixed(2)}×`,
        ...medianAndP95(since('firstByteAt'), tenthsUnder100Ms),
        ...medianAndP95(since('endAt'), tenthsUnder100Ms),
        (row.modelRequests / row.result.completed).toFixed(2),
      ];
    }),
    notes: [
      `Quota: ${quota.served} chats served in the whole run, the organisation’s counter says ${quota.quotaUsed} units ` +
        `used (${quota.served === quota.quotaUsed ? 'one unit per chat, as expected' : 'MISMATCH'}).`,
    ],
    headlines: rows
      .filter((row) => row.clients > 1)
      .map((row) => {
        const base = baseline(row);
        const kind = row.question === questions.tool ? 'tool loop (searchPartners → text)' : 'plain text';
        return headline(
          `Chat requests/s, ${row.clients} clients, ${kind}`,
          base
            ? `${throughput(row).toFixed(1)}/s (${(throughput(row) / throughput(base)).toFixed(2)}×)`
            : `${throughput(row).toFixed(1)}/s`,
          base ? `1 client: ${throughput(base).toFixed(1)}/s` : '—',
        );
      }),
  };
}
