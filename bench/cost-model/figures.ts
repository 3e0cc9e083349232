/** The figures of the cost model's tables: what each operation used, and the idle SSE connection's reads. */
import { heartbeatComment } from '../../functions/domain/reports/sse.ts';
import { type FunctionName, functionDefinitions } from '../../lib/definitions/functions.ts';
import type { MeteredInvocation } from '../support/lambda-meter.ts';
import type { Bench } from './operations.ts';
import { isRead, requestUnits } from './request-units.ts';
import { operations, prices } from './settings.ts';

export const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const functionNames = Object.keys(functionDefinitions) as FunctionName[];
const perFunction = (value: (name: FunctionName) => number) =>
  Object.fromEntries(functionNames.map((name) => [name, value(name)])) as Record<FunctionName, number>;

// Lambda bills duration rounded up to the millisecond.
export const billedMs = (invocation: MeteredInvocation) => Math.ceil(invocation.end - invocation.start);
export const gbSeconds = (name: FunctionName, ms: number) => (functionDefinitions[name].memoryMiB / 1024) * (ms / 1000);

export type Figures = ReturnType<typeof figuresOf>;

/** What one operation used, divided by the number of requests it made (`per`). */
export function figuresOf(bench: Bench, operation: string, per = 1) {
  const invocations = bench.meter.invocations.filter((invocation) => invocation.operation === operation);
  const of = (name: FunctionName) => invocations.filter((invocation) => invocation.functionName === name);
  const calls = bench.calls.filter((call) => call.tag.operation === operation);
  const reads = calls.filter((call) => isRead(call.command)).length;
  const units = calls.map(requestUnits);
  const sqs = bench.sqs.filter((request) => request.operation === operation);
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
      send: sqs.filter((request) => request.action === 'SendMessage').length / per,
      // The event source mapping's receive that returned the batch: one per worker invocation.
      receive: of('reportWorker').length / per,
      delete: sqs.filter((request) => request.action.startsWith('DeleteMessage')).length / per,
    },
    streamedBytes: sum(streamed) / per,
    chargeableBytes: sum(streamed.map((bytes) => Math.max(0, bytes - prices.streamedFreeBytesPerResponse))) / per,
    billedMs: perFunction((name) => sum(of(name).map(billedMs)) / per),
  };
}

/** The HTTP invocation of one route in an operation (a report has the POST and the SSE GET). */
export function httpInvocation(bench: Bench, operation: string, method: 'POST' | 'GET'): MeteredInvocation {
  const found = bench.meter.invocations.find(
    (invocation) => invocation.operation === operation && invocation.route?.startsWith(`${method} `),
  );
  if (!found) throw new Error(`${operation}: no ${method} invocation was metered`);
  return found;
}

/**
 * The idle SSE connection: its connect (before the first poll at `from`), the measured window, the steady state
 * (the window's second half) per minute, and an hour of such connections of SSE_TIMEOUT_MS each.
 */
export function idleFigures(bench: Bench, from: number, windowMs: number) {
  const sseTimeoutMs = Number(process.env.SSE_TIMEOUT_MS);
  const calls = bench.calls.filter((call) => call.tag.operation === operations.sseIdle);
  const rruOf = (list: typeof calls) => sum(list.map((call) => requestUnits(call).rru));
  const countOf = (list: typeof calls, command: string) => list.filter((call) => call.command === command).length;
  const connect = calls.filter((call) => call.start < from);
  const window = calls.filter((call) => call.start >= from && call.start < from + windowMs);
  const steady = window.filter((call) => call.start >= from + windowMs / 2);
  const steadyRate = (value: number) => (value * 60_000) / (windowMs / 2);
  // The counts table's idle row: the connection's steady state per minute.
  const perMinute = {
    invocations: { httpApi: 60_000 / sseTimeoutMs, reportWorker: 0, streamProjector: 0 },
    projectedRecords: 0,
    reads: steadyRate(countOf(steady, 'QueryCommand')) + steadyRate(countOf(steady, 'GetItemCommand')),
    writes: 0,
    rru: steadyRate(rruOf(steady)),
    wru: 0,
    sqs: { send: 0, receive: 0, delete: 0 },
    streamedBytes: (heartbeatComment.length * 60_000) / Number(process.env.SSE_HEARTBEAT_MS),
  };
  const remainingMinutes = Math.max(0, sseTimeoutMs - windowMs) / 60_000;
  const rruPerConnection = rruOf(connect) + rruOf(window) + perMinute.rru * remainingMinutes;
  const connectionsPerHour = 3_600_000 / sseTimeoutMs;
  return {
    sseTimeoutMs,
    connect: { reads: connect.length, rru: rruOf(connect) },
    window: { queries: countOf(window, 'QueryCommand'), gets: countOf(window, 'GetItemCommand'), rru: rruOf(window) },
    perMinute,
    bytes: httpInvocation(bench, operations.sseIdle, 'GET').streamedBytes,
    hour: { invocations: connectionsPerHour, rru: connectionsPerHour * rruPerConnection },
  };
}
