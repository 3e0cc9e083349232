/**
 * The figures the cost model's tables show, computed from what was metered: counts per operation, Lambda
 * durations, costs at the list prices, and the idle SSE connection's reads extrapolated to its whole life.
 */
import { randomUUID } from 'node:crypto';
import { type FunctionName, functionDefinitions } from '../../lib/definitions/functions.ts';
import type { MeteredInvocation } from '../support/lambda-meter.ts';
import type { Bench, IdleRun } from './operations.ts';
import { type CapacityCall, isRead, requestUnits } from './request-units.ts';
import { operations, prices } from './settings.ts';

export const functionNames = Object.keys(functionDefinitions) as FunctionName[];
export const gigabytes = (name: FunctionName) => functionDefinitions[name].memoryMiB / 1024;
/** Lambda bills duration rounded up to the millisecond. */
export const billedMs = (invocation: MeteredInvocation) => Math.ceil(invocation.end - invocation.start);

const perFunction = (value: (name: FunctionName) => number) =>
  Object.fromEntries(functionNames.map((name) => [name, value(name)])) as Record<FunctionName, number>;

export interface Figures {
  /** Requests (ICP rows) the totals are divided by. */
  per: number;
  invocations: Record<FunctionName, number>;
  /** Stream records delivered to the projector (after the event filter). */
  projectedRecords: number;
  reads: number;
  writes: number;
  rru: number;
  wru: number;
  sqs: { send: number; receive: number; delete: number };
  streamedBytes: number;
  /** Streamed bytes above the free 6 MB, summed per response. */
  chargeableBytes: number;
  billedMs: Record<FunctionName, number>;
}

export function figuresOf(bench: Bench, operation: string, per = 1): Figures {
  const invocations = bench.meter.invocations.filter((invocation) => invocation.operation === operation);
  const calls = bench.calls.filter((call) => call.tag.operation === operation);
  const of = (name: FunctionName) => invocations.filter((invocation) => invocation.functionName === name);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const units = calls.map(requestUnits);
  const sqs = bench.sqs.filter((request) => request.operation === operation);
  const http = of('httpApi');
  return {
    per,
    invocations: perFunction((name) => of(name).length / per),
    projectedRecords: sum(of('streamProjector').map((invocation) => invocation.records)) / per,
    reads: calls.filter((call) => isRead(call.command)).length / per,
    writes: calls.filter((call) => !isRead(call.command)).length / per,
    rru: sum(units.map((unit) => unit.rru)) / per,
    wru: sum(units.map((unit) => unit.wru)) / per,
    sqs: {
      send: sqs.filter((request) => request.action === 'SendMessage').length / per,
      // The event source mapping's receive that returned this batch: one per worker invocation.
      receive: of('reportWorker').length / per,
      delete: sqs.filter((request) => request.action.startsWith('DeleteMessage')).length / per,
    },
    streamedBytes: sum(http.map((invocation) => invocation.streamedBytes)) / per,
    chargeableBytes:
      sum(http.map((invocation) => Math.max(0, invocation.streamedBytes - prices.streamedFreeBytesPerResponse))) / per,
    billedMs: perFunction((name) => sum(of(name).map(billedMs)) / per),
  };
}

/** The HTTP invocation of one route in an operation (a report has the POST and the SSE GET). */
export function httpInvocation(bench: Bench, operation: string, route: 'POST' | 'GET'): MeteredInvocation {
  const found = bench.meter.invocations.find(
    (invocation) =>
      invocation.operation === operation &&
      invocation.functionName === 'httpApi' &&
      invocation.route?.startsWith(`${route} `),
  );
  if (!found) throw new Error(`${operation}: no ${route} invocation was metered`);
  return found;
}

/** Dollars by what is billed, in the order of the dollar table's columns. */
export const costParts = ['compute', 'requests', 'dynamo', 'sqs', 'streaming'] as const;
export type Cost = Record<(typeof costParts)[number], number>;

export const total = (cost: Cost) => costParts.reduce((sum, part) => sum + cost[part], 0);
export const scaled = (cost: Cost, factor: number) =>
  Object.fromEntries(costParts.map((part) => [part, cost[part] * factor])) as Cost;

export function costOf(figures: Figures, gbSeconds: number): Cost {
  const invocations = functionNames.reduce((sum, name) => sum + figures.invocations[name], 0);
  return {
    compute: gbSeconds * prices.lambdaPerGbSecond,
    requests: invocations * prices.lambdaPerRequest,
    dynamo: figures.rru * prices.perRru + figures.wru * prices.perWru,
    sqs: (figures.sqs.send + figures.sqs.receive + figures.sqs.delete) * prices.perSqsRequest,
    streaming: (figures.chargeableBytes / 1024 ** 3) * prices.streamedPerGb,
  };
}

/** One row of the Lambda duration table. */
export interface ComputeLine {
  operation: string;
  functionName: FunctionName;
  measuredMs: number;
  assumedModelMs: number;
  note: string;
}

export const gbSecondsOf = (lines: ComputeLine[]) =>
  lines.reduce((sum, line) => sum + gigabytes(line.functionName) * ((line.measuredMs + line.assumedModelMs) / 1000), 0);

export interface IdleFigures {
  windowMs: number;
  connect: { reads: number; rru: number };
  /** The measured window; localUnits: the ConsumedCapacity DynamoDB Local reported for its reads. */
  window: { queries: number; gets: number; rru: number; localUnits: number };
  perMinute: { queries: number; gets: number; rru: number; bytes: number };
  bytes: number;
  /** One connection of SSE_TIMEOUT_MS, extrapolated from the window with the steady-state rates. */
  perConnection: { rru: number; bytes: number };
  connectionsPerHour: number;
  hourCost(gbSeconds: number): Cost;
}

export function idleFigures(
  bench: Bench,
  idle: IdleRun,
  { sseTimeoutMs, heartbeatMs }: { sseTimeoutMs: number; heartbeatMs: number },
): IdleFigures {
  const calls = bench.calls.filter((call) => call.tag.operation === operations.sseIdle);
  const rruOf = (list: CapacityCall[]) => list.reduce((sum, call) => sum + requestUnits(call).rru, 0);
  const connect = calls.filter((call) => call.start < idle.from);
  const inWindow = calls.filter((call) => call.start >= idle.from && call.start < idle.from + idle.windowMs);
  const half = idle.windowMs / 2;
  const steady = inWindow.filter((call) => call.start >= idle.from + half);
  const perMinute = (count: number) => (count * 60_000) / half;
  const invocation = bench.meter.invocations.find(
    (entry) => entry.operation === operations.sseIdle && entry.functionName === 'httpApi',
  );
  if (!invocation) throw new Error('The idle SSE connection was not metered');
  const { formatSseEvent, heartbeatComment, streamTimeoutEvent, startOfLogEventId } = bench.stores;
  const timeout = streamTimeoutEvent(randomUUID());
  const timeoutFrame = formatSseEvent({
    id: startOfLogEventId,
    event: timeout.type,
    data: JSON.stringify(timeout.data),
  });
  const countOf = (list: CapacityCall[], command: string) => list.filter((call) => call.command === command).length;
  const steadyMinute = {
    queries: perMinute(countOf(steady, 'QueryCommand')),
    gets: perMinute(countOf(steady, 'GetItemCommand')),
    rru: perMinute(rruOf(steady)),
    bytes: (heartbeatComment.length * 60_000) / heartbeatMs,
  };
  const remainingMinutes = Math.max(0, sseTimeoutMs - idle.windowMs) / 60_000;
  const perConnection = {
    rru: rruOf(connect) + rruOf(inWindow) + steadyMinute.rru * remainingMinutes,
    bytes: invocation.streamedBytes + steadyMinute.bytes * remainingMinutes + Buffer.byteLength(timeoutFrame),
  };
  const connectionsPerHour = 3_600_000 / sseTimeoutMs;
  return {
    windowMs: idle.windowMs,
    connect: { reads: connect.length, rru: rruOf(connect) },
    window: {
      queries: countOf(inWindow, 'QueryCommand'),
      gets: countOf(inWindow, 'GetItemCommand'),
      rru: rruOf(inWindow),
      localUnits: inWindow
        .filter((call) => isRead(call.command))
        .reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0),
    },
    perMinute: steadyMinute,
    bytes: invocation.streamedBytes,
    perConnection,
    connectionsPerHour,
    hourCost: (gbSeconds) => ({
      compute: gbSeconds * prices.lambdaPerGbSecond,
      requests: connectionsPerHour * prices.lambdaPerRequest,
      dynamo: connectionsPerHour * perConnection.rru * prices.perRru,
      sqs: 0,
      // Each connection streams far less than the free 6 MB.
      streaming: 0,
    }),
  };
}
