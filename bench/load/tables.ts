/** The load test's tables, built from the facts of one run. What each measures: bench/README.md, "Load". */
import type { CountedCalls } from '../support/dynamo-calls.ts';
import { medianAndP95, medianOrNaN, tenthsUnder100Ms as ms, verdict } from '../support/format.ts';
import { percentile } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import { errorCounts, type GenerationRow, type RunFacts, totalErrors } from './run-facts.ts';
import { deliveryTimeoutMs, openConcurrency, targets } from './settings.ts';

export function loadTables(run: RunFacts): BenchTable[] {
  return [headlineTable(run), errorTable(run), latencyTable(run)];
}

const totals = (row: GenerationRow) => row.result.samples.map((sample) => sample.endAt - sample.sentAt);
const perSecond = (row: GenerationRow) =>
  row.result.completedInWindow / ((row.result.windowEnd - row.result.windowStart) / 1000);

function headlineTable(run: RunFacts): BenchTable {
  const { settings, loaded, delivery } = run;
  const errors = totalErrors(errorCounts(run));
  const held = run.connections.filter((connection) => connection.status === 200 && !connection.dropped).length;
  const throughput = loaded.result.completedInWindow / ((run.windowEnd - run.windowStart) / 1000);
  const loadedTotals = totals(loaded);
  // Little's law: generations in flight = throughput × mean time in the system.
  const inFlight =
    loadedTotals.length > 0 ? (throughput * loadedTotals.reduce((a, b) => a + b, 0)) / loadedTotals.length / 1000 : 0;
  const latencyMedian = medianOrNaN(delivery.latencies);
  const heldTarget = `${targets.sseConnections} held`;
  const latencyTarget = `median < ${targets.eventLatencyMedianMs} ms`;
  const heldPass = held >= targets.sseConnections;
  const generationsPass = loaded.clients >= targets.generations;
  const latencyPass = latencyMedian < targets.eventLatencyMedianMs;
  const load = `Load (${settings.sseConnections} SSE + ${settings.generations} generations)`;
  return {
    title: `Load: ${settings.sseConnections} SSE connections + ${settings.generations} concurrent ICP generations for ${settings.seconds} s (local stack)`,
    columns: ['Check', ...figureColumns('Measured'), 'Target'],
    rows: [
      [
        'SSE connections held for the whole window (opened − dropped)',
        `${held} of ${settings.sseConnections}`,
        verdict(heldPass, heldTarget),
      ],
      [
        'Concurrent ICP generations (closed-loop clients; ≈ in flight by Little’s law)',
        `${loaded.clients} (≈ ${inFlight.toFixed(1)})`,
        verdict(generationsPass, `${targets.generations} concurrent`),
      ],
      [
        'Generations completed in the window (valid ICPResult each)',
        `${loaded.result.completedInWindow} (${throughput.toFixed(1)}/s)`,
        '—',
      ],
      [
        'Section events delivered (connections × writes to their report)',
        `${delivery.latencies.length} of ${delivery.expected}`,
        '—',
      ],
      ['Errors (see the error table)', String(errors), verdict(errors === 0, '0 errors')],
      [
        'Event latency median under load (write → receipt, all connections)',
        ms(latencyMedian),
        verdict(latencyPass, latencyTarget),
      ],
    ],
    notes: [
      `Stack: SSE poll ${run.poll.minMs}–${run.poll.maxMs} ms, heartbeat ${run.poll.heartbeatMs / 1000} s (cdk.json); ` +
        `model firstChunkMs ${settings.firstChunkMs}, perChunkMs ${settings.perChunkMs}; ${settings.tenants} tenants, ` +
        `${settings.reports} running reports, ${Math.round(settings.sseConnections / settings.reports)} connections ` +
        `per report. Open-file soft limit: ${run.openFiles ?? 'unknown'}. Whole module: ` +
        `${(run.elapsedMs / 1000).toFixed(0)} s.`,
    ],
    headlines: [
      headline(`${load}: errors`, String(errors), '—', '0', errors === 0),
      headline(`${load}: SSE connections held`, `${held} of ${settings.sseConnections}`, '—', heldTarget, heldPass),
      headline(
        `${load}: concurrent ICP generations`,
        String(loaded.clients),
        '—',
        `${targets.generations}`,
        generationsPass,
      ),
      headline(
        `${load}: SSE event latency under load`,
        delivery.latencies.length > 0
          ? `median ${ms(latencyMedian)}, p95 ${ms(percentile(delivery.latencies, 95))}`
          : '—',
        '—',
        latencyTarget,
        latencyPass,
      ),
      headline(
        `${load}: ICP generation total median`,
        ms(medianOrNaN(loadedTotals)),
        `1 client, no SSE: ${ms(medianOrNaN(totals(run.single)))}`,
      ),
    ],
  };
}

function errorTable(run: RunFacts): BenchTable {
  const counts = errorCounts(run);
  const generationRows = [run.single, run.concurrent, run.loaded];
  /** `Class count` for every call class where `count` is not 0. */
  const byClass = (count: (calls: CountedCalls) => number) =>
    [...run.calls.classes.entries()]
      .filter(([, calls]) => count(calls) > 0)
      .map(([name, calls]) => `${name} ${count(calls)}`);
  const dynamoFailures = byClass((calls) => calls.failed);
  const conditionRefusals = byClass((calls) => calls.refusedByCondition);
  const examples = [
    ...run.opened.failures.slice(0, 3).map((failure) => `SSE open: ${failure}`),
    ...run.connections
      .filter((connection) => connection.status === 200 && connection.dropped)
      .slice(0, 3)
      .map((connection) => `SSE dropped: ${connection.dropped?.reason}`),
    ...generationRows.flatMap((row) => row.result.failures.map((failure) => `${row.label}: ${failure}`)).slice(0, 3),
    ...(dynamoFailures.length > 0 ? [`DynamoDB failures by class: ${dynamoFailures.join(', ')}`] : []),
  ];
  const row = (label: string, count: number) => [label, String(count), verdict(count === 0, '0')];
  return {
    title: 'Errors (every one must be 0)',
    columns: ['Kind', ...figureColumns('Count'), 'Target'],
    rows: [
      row('SSE connections not opened (non-200, connect error)', counts.sseOpenFailures),
      row('SSE connections dropped before the client closed them', counts.sseDropped),
      row('Section events missing at a connection', counts.missingEvents),
      row('Section events received twice', counts.duplicateEvents),
      row('Events out of order (event id or section position)', counts.outOfOrderEvents),
      row('Unexpected events (other type, unknown section, job.*)', counts.unexpectedEvents),
      row('ICP generations failed (non-200, x-cache ≠ miss, not an ICPResult, aborted)', counts.generationFailures),
      row('DynamoDB calls of the handlers that failed (SSE polls retry them silently)', counts.dynamoFailures),
    ],
    notes: [
      `Generations checked: ${generationRows.reduce((sum, r) => sum + r.result.completed, 0)} responses over the ` +
        `three phases. After the window: ${run.missingAtEnd} connections still lacked the last section of their ` +
        `report after up to ${deliveryTimeoutMs / 1000} s. Opening took ${ms(run.opened.elapsedMs)} for all ` +
        `${run.settings.sseConnections} (${openConcurrency} at a time).`,
      ...(examples.length > 0 ? [`Examples: ${examples.join(' | ')}`] : []),
      `Conditional writes refused as intended (not errors): ${conditionRefusals.join(', ') || 'none'}.`,
    ],
  };
}

function latencyTable(run: RunFacts): BenchTable {
  const { delivery, settings } = run;
  /** Samples, median, p95, p99 or total median, max or total p95, per second. */
  const timingRow = (label: string, values: number[], p99: string, max: string, rate: string) => [
    label,
    String(values.length),
    ...medianAndP95(values, ms),
    values.length > 0 ? p99 : '—',
    values.length > 0 ? max : '—',
    rate,
  ];
  const generationRow = (row: GenerationRow, label: string) => {
    const ttfb = row.result.samples.map((sample) => sample.firstByteAt - sample.sentAt);
    const [totalMedian, totalP95] = medianAndP95(totals(row), ms);
    return timingRow(label, ttfb, totalMedian, totalP95, perSecond(row).toFixed(1));
  };
  const slowdown = medianOrNaN(totals(run.loaded)) / medianOrNaN(totals(run.single));
  const maxOf = (values: number[]) => ms(Math.max(...values));
  return {
    title: 'Latency under load: SSE event delivery and ICP generation (TTFB = first body byte)',
    columns: ['What', ...figureColumns('Samples', 'Median', 'p95', 'Total median / p99', 'Total p95 / max', 'Per s')],
    rows: [
      timingRow(
        `SSE event: section write resolved → received (${settings.sseConnections} connections)`,
        delivery.latencies,
        ms(percentile(delivery.latencies, 99)),
        maxOf(delivery.latencies),
        (delivery.latencies.length / settings.seconds).toFixed(0),
      ),
      generationRow(run.single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      generationRow(run.concurrent, `ICP TTFB | total: ${run.concurrent.clients} clients, no SSE`),
      generationRow(
        run.loaded,
        `ICP TTFB | total: ${run.loaded.clients} clients + ${settings.sseConnections} SSE (loaded)`,
      ),
    ],
    notes: [`Loaded generation total median ÷ unloaded: ${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}.`],
  };
}
