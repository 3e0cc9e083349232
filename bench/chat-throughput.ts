/**
 * Nelson chat throughput: `POST /api/ai/chat` through the local stack with an instant offline model,
 * driven by concurrent closed-loop clients on a worker thread for a fixed time. Requests per second of complete,
 * validated UI-message streams, TTFB and total time, next to a single-client baseline, for a question that runs
 * the tool loop (searchPartners, then a text answer) and a plain-text one. Runs in its own process (see
 * support/child-process-module.ts).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { type BenchStack, startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { type CpuSnapshot, type CpuUse, cpuBetween, cpuSnapshot } from './support/cpu-usage.ts';
import { tenthsUnder100Ms } from './support/format.ts';
import { type LoadClient, type LoadResult, type ResponseExpectation, startLoadClient } from './support/load-client.ts';
import { integerFromEnv } from './support/runs.ts';
import { median, percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, headline } from './support/table.ts';
import { benchPartners, createPartner } from './support/tenant-data.ts';

/** Defaults; BENCH_CHAT_SECONDS and BENCH_CHAT_CLIENTS override them. */
const defaultSeconds = 15;
const defaultClients = 20;
/** Untimed load at full concurrency before the first row (JIT, sockets, SDK clients, DynamoDB Local's JVM). */
const initialWarmUpMs = 3000;
/** Load before each row's window opens, without a gap, so the window starts in the steady state. */
const rowWarmUpMs = 1000;

type QuestionKind = 'tool' | 'text';

interface Question {
  kind: QuestionKind;
  label: string;
  text: string;
  expect: ResponseExpectation;
  /** Model requests one chat makes: the tool call, then the answer; or the answer alone. */
  modelCalls: number;
}

/** The SSE framing of a UI message stream part: `data: {"type":"…",…}` (JsonToSseTransformStream). */
const part = (type: string) => `"type":"${type}"`;
const streamEnd = 'data: [DONE]\n\n';

const questions: Record<QuestionKind, Question> = {
  tool: {
    kind: 'tool',
    label: 'Tool loop: "Which partners do we have?" (searchPartners → text)',
    text: 'Which partners do we have?',
    expect: {
      status: 200,
      endsWith: streamEnd,
      contains: [part('tool-output-available'), part('text-delta'), 'Hooli Cloud'],
    },
    modelCalls: 2,
  },
  text: {
    kind: 'text',
    label: 'Plain text: "Hello Nelson, how are you today?" (no tool)',
    text: 'Hello Nelson, how are you today?',
    expect: { status: 200, endsWith: streamEnd, contains: [part('text-delta')], lacks: [part('tool-input-start')] },
    modelCalls: 1,
  },
};

interface Row {
  question: Question;
  clients: number;
  result: LoadResult;
  cpu?: CpuUse;
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
  let load: LoadClient | undefined;
  try {
    // No pollers: the report worker and the stream projector play no part in a chat, and on AWS they run in
    // other functions, not next to the HTTP function on these two cores.
    bench = await startBenchStack({
      tenant: 'Chat throughput benchmark',
      pollers: false,
      localBedrock: { latencyMs: 0 },
    });
    const { stack, bedrock: localBedrock, dynamoWarmUp } = bench;
    const { authorization } = bench.tenant;
    for (const partner of benchPartners) await createPartner(stack.baseUrl, authorization, partner);

    load = startLoadClient();
    const client = load;
    const chatUrl = new URL('/api/ai/chat', stack.baseUrl);
    const phase = async (question: Question, phaseClients: number, warmUpMs: number, durationMs: number) => {
      localBedrock.reset();
      const snapshot = () =>
        cpuSnapshot({
          ...(stack.dynamoDbLocalPid !== undefined ? { otherPid: stack.dynamoDbLocalPid } : {}),
          workerLoop: () => client.eventLoopUtilization(),
        });
      // CPU is sampled over the window by timers on this (busy) thread: close to the window, not exactly on it.
      const snapshots: CpuSnapshot[] = [];
      const timers = [warmUpMs, warmUpMs + durationMs].map((delay) =>
        setTimeout(() => snapshots.push(snapshot()), delay),
      );
      const result = await client
        .run({
          url: chatUrl,
          json: { messages: [{ id: randomUUID(), role: 'user', parts: [{ type: 'text', text: question.text }] }] },
          headers: authorization,
          clients: phaseClients,
          warmUpMs,
          durationMs,
          expect: question.expect,
        })
        .finally(() => {
          for (const timer of timers) clearTimeout(timer);
        });
      if (result.failed > 0) {
        throw new Error(
          `${question.label}, ${phaseClients} client(s): ${result.failed} of ${result.completed + result.failed} ` +
            `requests failed or were invalid, e.g.\n${result.failures.join('\n')}`,
        );
      }
      if (result.samples.length === 0) throw new Error(`${question.label}: no request completed in the window`);
      const [from, to] = snapshots;
      const row: Row = { question, clients: phaseClients, result, modelRequests: localBedrock.requests.length };
      if (from && to) row.cpu = cpuBetween(from, to);
      return row;
    };

    const initial = await phase(questions.tool, clients, 0, initialWarmUpMs);
    const rows: Row[] = [];
    rows.push(await phase(questions.tool, 1, rowWarmUpMs, shortSeconds * 1000));
    rows.push(await phase(questions.tool, clients, rowWarmUpMs, seconds * 1000));
    rows.push(await phase(questions.text, 1, rowWarmUpMs, shortSeconds * 1000));
    rows.push(await phase(questions.text, clients, rowWarmUpMs, shortSeconds * 1000));

    // Every chat is charged one unit: the quota counter must match what was served, under concurrency too.
    const served = [initial, ...rows].reduce((sum, row) => sum + row.result.completed, 0);
    const quotaUsed = await readQuotaUsed(stack.baseUrl, authorization);

    return [throughputTable(rows, { seconds, shortSeconds, served, quotaUsed, dynamoWarmUp }), cpuTable(rows)];
  } finally {
    await load?.close();
    await bench?.stop();
  }
}

async function readQuotaUsed(baseUrl: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(new URL('/api/organisation', baseUrl), { headers });
  if (response.status !== 200) throw new Error(`GET /api/organisation: HTTP ${response.status}`);
  return ((await response.json()) as { quota: { used: number } }).quota.used;
}

const windowSeconds = (row: Row) => (row.result.windowEnd - row.result.windowStart) / 1000;
const throughput = (row: Row) => row.result.completedInWindow / windowSeconds(row);

function throughputTable(
  rows: Row[],
  run: {
    seconds: number;
    shortSeconds: number;
    served: number;
    quotaUsed: number;
    dynamoWarmUp: { operations: number; ms: number };
  },
): BenchTable {
  const baseline = (row: Row) => rows.find((other) => other.question === row.question && other.clients === 1);
  return {
    title: 'Nelson chat throughput: POST /api/ai/chat, instant offline model, closed-loop clients',
    columns: [
      { header: 'Question' },
      { header: 'Clients', align: 'right' },
      { header: 'Window', align: 'right' },
      { header: 'Chats in window', align: 'right' },
      { header: 'Chats/s', align: 'right' },
      { header: 'vs 1 client', align: 'right' },
      { header: 'TTFB median', align: 'right' },
      { header: 'TTFB p95', align: 'right' },
      { header: 'Total median', align: 'right' },
      { header: 'Total p95', align: 'right' },
      { header: 'Model calls / chat', align: 'right' },
    ],
    rows: rows.map((row) => {
      const samples = row.result.samples;
      const ttfb = samples.map((sample) => sample.firstByteAt - sample.sentAt);
      const total = samples.map((sample) => sample.endAt - sample.sentAt);
      const base = baseline(row);
      return [
        row.question.label,
        String(row.clients),
        `${windowSeconds(row).toFixed(0)} s`,
        String(row.result.completedInWindow),
        throughput(row).toFixed(1),
        !base || base === row ? 'baseline' : `${(throughput(row) / throughput(base)).toFixed(2)}×`,
        tenthsUnder100Ms(median(ttfb)),
        tenthsUnder100Ms(percentile(ttfb, 95)),
        tenthsUnder100Ms(median(total)),
        tenthsUnder100Ms(percentile(total, 95)),
        (row.modelRequests / row.result.completed).toFixed(2),
      ];
    }),
    notes: [
      `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared by everything: the Function URL shim with ` +
        'the HTTP handler, the local Bedrock endpoint and the AI SDK on this process’s main thread, DynamoDB Local’s ' +
        'JVM, and the load client on a worker thread. No target is set; the 1-client rows are the baseline.',
      'Stack: startLocalStack({ localBedrock: { latencyMs: 0 }, pollers: false }) in a process of its own (DynamoDB ' +
        'Local in memory, handler logs at ERROR), one tenant with a 1,000,000-unit quota and ' +
        `${benchPartners.length} partners. One Node process serves every chat concurrently; on AWS each concurrent ` +
        'chat gets its own Lambda instance, so this is a single-process figure, not a Lambda throughput prediction.',
      'Clients: node:http on one worker thread (own event loop), each a loop of sequential requests on its own ' +
        `keep-alive socket. Untimed: ${initialWarmUpMs / 1000} s of load at full concurrency before the first row ` +
        `(after ${run.dynamoWarmUp.operations} direct DynamoDB Local calls to warm its JVM, ` +
        `${(run.dynamoWarmUp.ms / 1000).toFixed(1)} s), then ${rowWarmUpMs / 1000} s of the row’s own load before ` +
        `its window. Windows: ${run.seconds} s for the busy tool-loop row (BENCH_CHAT_SECONDS), ${run.shortSeconds} s ` +
        'for the others. Clients stop starting requests when the window closes.',
      'Chats/s = valid responses that ended inside the window ÷ window. TTFB = request sent → first body chunk; ' +
        'total = → end of the stream; over the valid responses sent inside the window. p95 is nearest-rank.',
      'Every response is checked, or the benchmark fails: HTTP 200, the SSE body ends with `data: [DONE]`, and it ' +
        'contains a tool-output-available and a text-delta part and a partner name (tool loop), or a text-delta part ' +
        'and no tool-input-start (plain text). Model calls / chat: requests the local Bedrock endpoint received ' +
        'during the phase ÷ chats served in it (warm-up and drain included); 2 = tool call + answer, 1 = answer.',
      `Quota: ${run.served} chats served in the whole run, the organisation’s counter says ${run.quotaUsed} units ` +
        `used (${run.served === run.quotaUsed ? 'one unit per chat, as expected' : 'MISMATCH'}).`,
    ],
    headlines: rows
      .filter((row) => row.clients > 1)
      .map((row) => {
        const base = baseline(row);
        const kind = row.question.kind === 'tool' ? 'tool loop (searchPartners → text)' : 'plain text';
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

function cpuTable(rows: Row[]): BenchTable {
  const cores = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
  const percent = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value * 100)} %`);
  return {
    title: 'Where the CPU went during each window (cores busy, averaged over the window)',
    columns: [
      { header: 'Question' },
      { header: 'Clients', align: 'right' },
      { header: 'Machine', align: 'right' },
      { header: 'Node process (all threads)', align: 'right' },
      { header: 'Main thread event loop', align: 'right' },
      { header: 'Client thread event loop', align: 'right' },
      { header: 'DynamoDB Local JVM', align: 'right' },
      { header: 'Other processes', align: 'right' },
      { header: 'CPU ms / chat (Node + JVM)', align: 'right' },
    ],
    rows: rows.map((row) => {
      const cpu = row.cpu;
      const perChat =
        cpu === undefined
          ? undefined
          : ((cpu.processCores + (cpu.otherCores ?? 0)) * windowSeconds(row) * 1000) / row.result.completedInWindow;
      return [
        row.question.label,
        String(row.clients),
        cpu?.machineCores === undefined ? '—' : `${cores(cpu.machineCores)} of ${cpu.cores}`,
        cores(cpu?.processCores),
        percent(cpu?.mainLoop),
        percent(cpu?.workerLoop),
        cores(cpu?.otherCores),
        cores(
          cpu?.machineCores === undefined || cpu.otherCores === undefined
            ? undefined
            : cpu.machineCores - cpu.processCores - cpu.otherCores,
        ),
        perChat === undefined ? '—' : tenthsUnder100Ms(perChat),
      ];
    }),
    notes: [
      'Sampled by timers on the main thread at the window’s start and end: process.cpuUsage() (every thread of this ' +
        'process: main, load client, libuv and V8 helpers), the event-loop utilisation of the main thread (HTTP ' +
        'handler, local Bedrock endpoint, AI SDK) and of the client worker, and /proc for the JVM and the machine. ' +
        'A main-thread event loop near 100 % means the server side is CPU-bound on one core; the JVM and the ' +
        'client compete with it for the second. Other processes = machine − Node process − JVM: anything else ' +
        'running on the machine at the time (well above 0.1 means the row was disturbed; rerun it).',
      'CPU ms / chat: (Node process + JVM) CPU time in the window ÷ chats that ended in it; it includes the ' +
        'client’s share (the client thread’s event loop column shows how large that is).',
    ],
  };
}
