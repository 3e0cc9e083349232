/** Phase 3: the DynamoDB reads of one idle SSE connection, per minute and per connection-hour. */
import type { DynamoCall } from '../support/dynamo-calls.ts';
import { holdIdleConnection, reportStreamUrl } from '../support/report-stream.ts';
import { createRunningReport } from '../support/running-report.ts';
import { type BenchTable, figureColumns } from '../support/table.ts';
import { type Bench, benchReport, keyOf, reportPartition, setEnvironment, valuesOf } from './pipeline-bench.ts';
import { rruPerEventuallyConsistentRead, rruPerStronglyConsistentRead, usdPerMillionRru } from './settings.ts';

export interface IdleResult {
  windowMs: number;
  queries: DynamoCall[];
  gets: DynamoCall[];
  /** Start of the window: the connection's first event-log Query. */
  from: number;
}

export async function startIdleConnection(bench: Bench, windowMs: number): Promise<{ finish(): Promise<IdleResult> }> {
  setEnvironment(bench, { SSE_POLL_MIN_MS: bench.defaults.minMs, SSE_POLL_MAX_MS: bench.defaults.maxMs });
  const reportId = await createRunningReport(bench.stores, benchReport(bench));
  const partition = reportPartition(reportId);
  bench.watchedPartitions.add(partition);
  const isQuery = (call: DynamoCall) => call.command === 'QueryCommand';
  const partitionOf = (call: DynamoCall) => (isQuery(call) ? valuesOf(call.input)[':pk'] : keyOf(call.input).pk);
  const connection = await holdIdleConnection(
    bench.sse,
    reportStreamUrl(bench.stack.baseUrl, reportId),
    bench.authorization,
    {
      windowMs,
      firstQueryStart: () => bench.probe.calls.find((call) => isQuery(call) && partitionOf(call) === partition)?.start,
    },
  );
  const { from } = connection;
  return {
    async finish() {
      await connection.finish();
      bench.watchedPartitions.delete(partition);
      await bench.stores.finishReport(reportId, 'completed', new Date().toISOString());
      const inWindow = bench.probe.calls.filter(
        (call) => call.start >= from && call.start < from + windowMs && partitionOf(call) === partition,
      );
      return {
        windowMs,
        from,
        queries: inWindow.filter(isQuery),
        gets: inWindow.filter((call) => call.command === 'GetItemCommand'),
      };
    },
  };
}

export function idleTable(idle: IdleResult, defaults: Bench['defaults']): BenchTable {
  const perMinute = (count: number, windowMs: number) => (count * 60_000) / windowMs;
  const half = idle.windowMs / 2;
  const secondHalf = (calls: DynamoCall[]) => calls.filter((call) => call.start >= idle.from + half).length;
  const rru = (queries: number, gets: number) =>
    queries * rruPerEventuallyConsistentRead + gets * rruPerStronglyConsistentRead;
  const measured = {
    queries: perMinute(idle.queries.length, idle.windowMs),
    gets: perMinute(idle.gets.length, idle.windowMs),
  };
  const steady = {
    queries: perMinute(secondHalf(idle.queries), half),
    gets: perMinute(secondHalf(idle.gets), half),
  };
  const expected = { queries: 60_000 / defaults.maxMs, gets: 60_000 / defaults.heartbeatMs };
  const fixed = { queries: 60_000 / defaults.minMs, gets: expected.gets };
  const localUnits = perMinute(
    [...idle.queries, ...idle.gets].reduce((sum, call) => sum + (call.capacityUnits ?? 0), 0),
    idle.windowMs,
  );
  const rruPerMinute = {
    measured: rru(measured.queries, measured.gets),
    steady: rru(steady.queries, steady.gets),
    expected: rru(expected.queries, expected.gets),
    fixed: rru(fixed.queries, fixed.gets),
  };
  const usdPerHour = (perMinuteRru: number) => (perMinuteRru * 60 * usdPerMillionRru) / 1e6;
  const row = (label: string, values: [number, number, number, number], format: (value: number) => string) => [
    label,
    ...values.map(format),
  ];
  const count = (value: number) => value.toFixed(1);
  const usd = (value: number) => `$${value.toPrecision(3)}`;
  return {
    title: `DynamoDB reads of one idle SSE connection (poll ${defaults.minMs}–${defaults.maxMs} ms, heartbeat ${defaults.heartbeatMs / 1000} s)`,
    columns: [
      'Per connection',
      ...figureColumns(
        `Measured, first ${idle.windowMs / 1000} s → per min`,
        `Measured, last ${half / 1000} s → per min`,
        'Steady state from the bounds',
        `Baseline: fixed ${defaults.minMs} ms poll`,
      ),
    ],
    rows: [
      row(
        'Query on the event log per min (eventually consistent)',
        [measured.queries, steady.queries, expected.queries, fixed.queries],
        count,
      ),
      row(
        'GetItem report status per min (strongly consistent, on heartbeat)',
        [measured.gets, steady.gets, expected.gets, fixed.gets],
        count,
      ),
      row(
        'Read request units per min',
        [rruPerMinute.measured, rruPerMinute.steady, rruPerMinute.expected, rruPerMinute.fixed],
        count,
      ),
      ['DynamoDB Local ConsumedCapacity per min (reported)', count(localUnits), '—', '—', '—'],
      row(
        `Cost per connection-hour at $${usdPerMillionRru} per million RRU`,
        [
          usdPerHour(rruPerMinute.measured),
          usdPerHour(rruPerMinute.steady),
          usdPerHour(rruPerMinute.expected),
          usdPerHour(rruPerMinute.fixed),
        ],
        usd,
      ),
      row(
        'Cost per 1,000 connection-hours',
        [
          1000 * usdPerHour(rruPerMinute.measured),
          1000 * usdPerHour(rruPerMinute.steady),
          1000 * usdPerHour(rruPerMinute.expected),
          1000 * usdPerHour(rruPerMinute.fixed),
        ],
        usd,
      ),
    ],
    notes: [
      `One connection to a report that never produces anything, counted for ${idle.windowMs / 1000} s ` +
        '(BENCH_SSE_IDLE_SECONDS) from its first poll while the delivery rows ran. The first window includes the ' +
        `back-off ramp (${defaults.minMs} ms ×1.5 per empty poll up to ${defaults.maxMs} ms); its second half is the ` +
        `steady state. RRU by the read rules, at $${usdPerMillionRru} per million RRU (us-east-1 on-demand list ` +
        'price, not checked live). What is and is not counted: bench/README.md, Report pipeline.',
    ],
  };
}
