/**
 * The DynamoDB reads of one idle SSE connection, per minute and per connection-hour, measured against the steady
 * state the poll bounds predict and a fixed poll at the minimum.
 */
import { type BenchTable, figureColumns } from '../support/table.ts';
import type { IdleFigures } from './figures.ts';
import { prices } from './settings.ts';

/** Read request units of an eventually consistent read ≤ 4 KB (the event-log Query) and a strongly consistent one. */
const rruPerEventuallyConsistentRead = 0.5;
const rruPerStronglyConsistentRead = 1;

export function idleTable(
  idle: IdleFigures,
  defaults: { minMs: number; maxMs: number; heartbeatMs: number },
): BenchTable {
  const perMinute = (count: number, windowMs: number) => (count * 60_000) / windowMs;
  const half = idle.windowMs / 2;
  const rru = (queries: number, gets: number) =>
    queries * rruPerEventuallyConsistentRead + gets * rruPerStronglyConsistentRead;
  const measured = {
    queries: perMinute(idle.window.queries, idle.windowMs),
    gets: perMinute(idle.window.gets, idle.windowMs),
  };
  const steady = idle.perMinute;
  const expected = { queries: 60_000 / defaults.maxMs, gets: 60_000 / defaults.heartbeatMs };
  const fixed = { queries: 60_000 / defaults.minMs, gets: expected.gets };
  const localUnits = perMinute(idle.window.localUnits, idle.windowMs);
  const rruPerMinute = {
    measured: rru(measured.queries, measured.gets),
    steady: rru(steady.queries, steady.gets),
    expected: rru(expected.queries, expected.gets),
    fixed: rru(fixed.queries, fixed.gets),
  };
  const usdPerMillionRru = prices.perRru * 1e6;
  const usdPerHour = (perMinuteRru: number) => perMinuteRru * 60 * prices.perRru;
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
  };
}
