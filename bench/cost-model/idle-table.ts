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
  const half = idle.windowMs / 2;
  const perMinute = (count: number, windowMs: number) => (count * 60_000) / windowMs;
  /** Reads per minute in the four columns: the whole window, its second half, the bounds' steady state, a fixed poll. */
  const columns = [
    { queries: perMinute(idle.window.queries, idle.windowMs), gets: perMinute(idle.window.gets, idle.windowMs) },
    idle.perMinute,
    { queries: 60_000 / defaults.maxMs, gets: 60_000 / defaults.heartbeatMs },
    { queries: 60_000 / defaults.minMs, gets: 60_000 / defaults.heartbeatMs },
  ];
  const rruPerMinute = columns.map(
    ({ queries, gets }) => queries * rruPerEventuallyConsistentRead + gets * rruPerStronglyConsistentRead,
  );
  const usdPerHour = rruPerMinute.map((rru) => rru * 60 * prices.perRru);
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
      ['Query on the event log per min (eventually consistent)', ...columns.map((c) => count(c.queries))],
      ['GetItem report status per min (strongly consistent, on heartbeat)', ...columns.map((c) => count(c.gets))],
      ['Read request units per min', ...rruPerMinute.map(count)],
      [
        'DynamoDB Local ConsumedCapacity per min (reported)',
        count(perMinute(idle.window.localUnits, idle.windowMs)),
        '—',
        '—',
        '—',
      ],
      [`Cost per connection-hour at $${prices.perRru * 1e6} per million RRU`, ...usdPerHour.map(usd)],
      ['Cost per 1,000 connection-hours', ...usdPerHour.map((value) => usd(1000 * value))],
    ],
  };
}
