/** The figures of the cost model's tables: what each operation used, and the idle SSE connection's reads. */
import { heartbeatComment } from '../../functions/domain/reports/sse.ts';
import { type FunctionName, functionDefinitions } from '../../lib/definitions/functions.ts';
import type { MeteredInvocation } from '../support/lambda-meter.ts';
import { sum } from '../support/stats.ts';
import type { Bench } from './operations.ts';
import { isRead, requestUnits } from './request-units.ts';
import { operations, prices } from './settings.ts';

const functionNames = Object.keys(functionDefinitions) as FunctionName[];
const perFunction = (value: (name: FunctionName) => number) =>
  Object.fromEntries(functionNames.map((name) => [name, value(name)])) as Record<FunctionName, number>;

// Lambda bills duration rounded up to the millisecond.
export const billedMs = (invocation: MeteredInvocation) => Math.ceil(invocation.end - invocation.start);
export const gbSeconds = (name: FunctionName, ms: number) => (functionDefinitions[name].memoryMiB / 1024) * (ms / 1000);

export type Figures = ReturnType<typeof figuresOf>;

/** What one operation used, of what started between `from` and `to`, divided by `per` (its number of requests). */
export function figuresOf(bench: Bench, operation: string, per = 1, from = -Infinity, to = Infinity) {
  const counted = (item: { operation: string; start: number }) =>
    item.operation === operation && item.start >= from && item.start < to;
  const invocations = bench.meter.invocations.filter(counted);
  const of = (name: FunctionName) => invocations.filter((invocation) => invocation.functionName === name);
  const calls = bench.calls.filter((call) => counted({ operation: call.tag.operation, start: call.start }));
  const reads = calls.filter((call) => isRead(call.command)).length;
  const units = calls.map(requestUnits);
  const sqs = bench.sqs.filter(counted);
  const streamed = of('httpApi').map((invocation) => invocation.streamedBytes);
  return {
    invocations: perFunction((name) => of(name).length / per),
    // Stream records delivered to the projector (after the event filter).
    projectedRecords: sum(of('streamProjector').map((invocation) => invocation.records)) / per,
    reads: reads / per,
    writes: (calls.length - reads) / per,
    rru: sum(units.map((unit) => unit.rru)) / per,
    wru: sum(units.map((unit) => unit.wru)) / per,
    sqs: {
      send: sqs.filter((request) => request.target === 'AmazonSQS.SendMessage').length / per,
      // The event source mapping's receive that returned the batch: one per worker invocation.
      receive: of('reportWorker').length / per,
      delete: sqs.filter((request) => request.target.startsWith('AmazonSQS.DeleteMessage')).length / per,
    },
    callsOf: (command: string) => calls.filter((call) => call.command === command).length / per,
    streamedBytes: sum(streamed) / per,
    chargeableBytes: sum(streamed.map((bytes) => Math.max(0, bytes - prices.streamedFreeBytesPerResponse))) / per,
    billedMs: perFunction((name) => sum(of(name).map(billedMs)) / per),
  };
}

/** The HTTP invocation of one method in an operation (a report has the POST and the SSE GET). */
export function httpInvocation(bench: Bench, operation: string, method: 'POST' | 'GET'): MeteredInvocation {
  const found = bench.meter.invocations.find((run) => run.operation === operation && run.method === method);
  if (!found) throw new Error(`${operation}: no ${method} invocation was metered`);
  return found;
}

/**
 * The idle SSE connection: its connect (before the first poll at `from`), the measured window, the steady state
 * (the window's second half) per minute, and an hour of such connections of SSE_TIMEOUT_MS each.
 */
export function idleFigures(bench: Bench, from: number, windowMs: number) {
  const sseTimeoutMs = Number(process.env.SSE_TIMEOUT_MS);
  const idle = (per: number, start: number, end: number) => figuresOf(bench, operations.sseIdle, per, start, end);
  const connect = idle(1, -Infinity, from);
  const window = idle(1, from, from + windowMs);
  // The counts table's idle row. A connection is one invocation of SSE_TIMEOUT_MS that streams only the heartbeat.
  const perMinute = {
    ...idle(windowMs / 2 / 60_000, from + windowMs / 2, from + windowMs),
    invocations: { httpApi: 60_000 / sseTimeoutMs, reportWorker: 0, streamProjector: 0 },
    streamedBytes: (heartbeatComment.length * 60_000) / Number(process.env.SSE_HEARTBEAT_MS),
  };
  const remainingMinutes = Math.max(0, sseTimeoutMs - windowMs) / 60_000;
  const rruPerConnection = connect.rru + window.rru + perMinute.rru * remainingMinutes;
  const connectionsPerHour = 3_600_000 / sseTimeoutMs;
  const hour = { invocations: connectionsPerHour, rru: connectionsPerHour * rruPerConnection };
  const bytes = httpInvocation(bench, operations.sseIdle, 'GET').streamedBytes;
  return { sseTimeoutMs, connect, window, perMinute, hour, bytes };
}
