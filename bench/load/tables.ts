/** The load test's tables, built from the facts of one run. What each measures: bench/README.md, "Load". */
import type { GenerationRow, RunFacts } from '../load.ts';
import { medianAndP95, medianOrNaN, tenthsUnder100Ms as ms, verdict } from '../support/format.ts';
import type { SseRecord } from '../support/sse-client.ts';
import { percentile } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';

/** The capacity the local stack must show: every connection and generation served, events within a second. */
export const targets = { sseConnections: 500, generations: 50, eventLatencyMedianMs: 1000 };
/** Fixed parameters of the run that the notes quote: SSE connections waiting for their response head at once while
 * opening, and how long every connection may take to receive the last section of its report after the window. */
export const openConcurrency = 100;
export const deliveryTimeoutMs = 15_000;

export type Write = { reportId: string; sectionId: string; position: number; writtenAt: number };

/** Every section write checked at every connection of its report: latency of each first receipt, deviations counted. */
export function analyseDelivery(connections: SseRecord[], writes: Write[]) {
  const writesOf = new Map<string, Map<string, Write>>();
  for (const write of writes) {
    writesOf.set(write.reportId, (writesOf.get(write.reportId) ?? new Map()).set(write.sectionId, write));
  }
  const delivery = { latencies: [] as number[], missing: 0, duplicates: 0, outOfOrder: 0, unexpected: 0, expected: 0 };
  for (const connection of connections.filter(({ status }) => status === 200)) {
    const expected = writesOf.get(connection.reportId ?? '') ?? new Map<string, Write>();
    delivery.expected += expected.size;
    const seen = new Set<string>();
    let lastPosition = -1;
    let lastEventId = '';
    for (const event of connection.events) {
      if (event.id <= lastEventId) delivery.outOfOrder++;
      lastEventId = event.id;
      const write = event.event === 'section.completed' ? expected.get(event.sectionId ?? '') : undefined;
      if (!write) delivery.unexpected++;
      else if (seen.has(write.sectionId)) delivery.duplicates++;
      else {
        seen.add(write.sectionId);
        if (write.position < lastPosition) delivery.outOfOrder++;
        lastPosition = write.position;
        delivery.latencies.push(event.receivedAt - write.writtenAt);
      }
    }
    delivery.missing += expected.size - seen.size;
  }
  return delivery;
}

export function loadTables(run: RunFacts): BenchTable[] {
  return [headlineTable(run), errorTable(run), latencyTable(run)];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const generationRows = (run: RunFacts) => [run.single, run.concurrent, run.loaded];
const droppedConnections = (run: RunFacts) =>
  run.connections.filter(({ status, dropped }) => status === 200 && dropped);
const totals = (row: GenerationRow) => row.result.samples.map((sample) => sample.endAt - sample.sentAt);
const perSecond = ({ result }: GenerationRow) =>
  result.completedInWindow / ((result.windowEnd - result.windowStart) / 1000);

/** Every kind of error the run must not have, with its count. */
function errorCounts(run: RunFacts): Array<[string, number]> {
  const { delivery } = run;
  const opened = run.connections.filter(({ status }) => status === 200).length;
  const generationFailures = sum(generationRows(run).map((row) => row.result.failed));
  const dynamoFailures = sum([...run.calls.values()].map((calls) => calls.failed));
  return [
    ['SSE connections not opened (non-200, connect error)', run.settings.sseConnections - opened],
    ['SSE connections dropped before the client closed them', droppedConnections(run).length],
    ['Section events missing at a connection', delivery.missing],
    ['Section events received twice', delivery.duplicates],
    ['Events out of order (event id or section position)', delivery.outOfOrder],
    ['Unexpected events (other type, unknown section, job.*)', delivery.unexpected],
    ['ICP generations failed (non-200, x-cache ≠ miss, not an ICPResult, aborted)', generationFailures],
    ['DynamoDB calls of the handlers that failed (SSE polls retry them silently)', dynamoFailures],
  ];
}

function headlineTable(run: RunFacts): BenchTable {
  const { settings, loaded, delivery } = run;
  const environment = run.stack.functionEnvironment;
  const errors = sum(errorCounts(run).map(([, count]) => count));
  const heldCount = run.connections.filter(({ status, dropped }) => status === 200 && !dropped).length;
  const [held, heldPass] = [`${heldCount} of ${settings.sseConnections}`, heldCount >= targets.sseConnections];
  const heldTarget = `${targets.sseConnections} held`;
  const throughput = perSecond(loaded);
  const completed = `${loaded.result.completedInWindow} (${throughput.toFixed(1)}/s)`;
  const loadedTotals = totals(loaded);
  // Little's law: generations in flight = throughput × mean time in the system.
  const inFlight = loadedTotals.length > 0 ? (throughput * sum(loadedTotals)) / loadedTotals.length / 1000 : 0;
  const clients = `${loaded.clients} (≈ ${inFlight.toFixed(1)})`;
  const generationsPass = loaded.clients >= targets.generations;
  const generationsVerdict = verdict(generationsPass, `${targets.generations} concurrent`);
  const delivered = `${delivery.latencies.length} of ${delivery.expected}`;
  const latencyMedian = medianOrNaN(delivery.latencies);
  const latencyTarget = `median < ${targets.eventLatencyMedianMs} ms`;
  const latencyPass = latencyMedian < targets.eventLatencyMedianMs;
  const latency =
    delivery.latencies.length > 0 ? `median ${ms(latencyMedian)}, p95 ${ms(percentile(delivery.latencies, 95))}` : '—';
  const load = `Load (${settings.sseConnections} SSE + ${settings.generations} generations)`;
  return {
    title: `Load: ${settings.sseConnections} SSE connections + ${settings.generations} concurrent ICP generations for ${settings.seconds} s (local stack)`,
    columns: ['Check', ...figureColumns('Measured'), 'Target'],
    rows: [
      ['SSE connections held for the whole window (opened − dropped)', held, verdict(heldPass, heldTarget)],
      ['Concurrent ICP generations (closed-loop clients; ≈ in flight by Little’s law)', clients, generationsVerdict],
      ['Generations completed in the window (valid ICPResult each)', completed, '—'],
      ['Section events delivered (connections × writes to their report)', delivered, '—'],
      ['Errors (see the error table)', String(errors), verdict(errors === 0, '0 errors')],
      [
        'Event latency median under load (write → receipt, all connections)',
        ms(latencyMedian),
        verdict(latencyPass, latencyTarget),
      ],
    ],
    notes: [
      `Stack: SSE poll ${environment.SSE_POLL_MIN_MS}–${environment.SSE_POLL_MAX_MS} ms, ` +
        `heartbeat ${Number(environment.SSE_HEARTBEAT_MS) / 1000} s (cdk.json); ` +
        `model firstChunkMs ${settings.firstChunkMs}, perChunkMs ${settings.perChunkMs}; ${settings.tenants} tenants, ` +
        `${settings.reports} running reports, ${Math.round(settings.sseConnections / settings.reports)} connections ` +
        `per report. Open-file soft limit: ${run.openFiles ?? 'unknown'}. Whole module: ` +
        `${(run.elapsedMs / 1000).toFixed(0)} s.`,
    ],
    headlines: [
      headline(`${load}: errors`, String(errors), '—', '0', errors === 0),
      headline(`${load}: SSE connections held`, held, '—', heldTarget, heldPass),
      headline(
        `${load}: concurrent ICP generations`,
        String(loaded.clients),
        '—',
        `${targets.generations}`,
        generationsPass,
      ),
      headline(`${load}: SSE event latency under load`, latency, '—', latencyTarget, latencyPass),
      headline(
        `${load}: ICP generation total median`,
        ms(medianOrNaN(loadedTotals)),
        `1 client, no SSE: ${ms(medianOrNaN(totals(run.single)))}`,
      ),
    ],
  };
}

function errorTable(run: RunFacts): BenchTable {
  /** `Class count` for every DynamoDB call class where `count` is not 0. */
  const byClass = (key: 'failed' | 'refusedByCondition') =>
    [...run.calls].filter(([, calls]) => calls[key] > 0).map(([name, calls]) => `${name} ${calls[key]}`);
  const examples = [
    ...run.opened.failures.slice(0, 3).map((failure) => `SSE open: ${failure}`),
    ...droppedConnections(run)
      .slice(0, 3)
      .map(({ dropped }) => `SSE dropped: ${dropped?.reason}`),
    ...generationRows(run)
      .flatMap(({ label, result }) => result.failures.map((why) => `${label}: ${why}`))
      .slice(0, 3),
    ...(byClass('failed').length > 0 ? [`DynamoDB failures by class: ${byClass('failed').join(', ')}`] : []),
  ];
  return {
    title: 'Errors (every one must be 0)',
    columns: ['Kind', ...figureColumns('Count'), 'Target'],
    rows: errorCounts(run).map(([kind, count]) => [kind, String(count), verdict(count === 0, '0')]),
    notes: [
      `Generations checked: ${sum(generationRows(run).map((row) => row.result.completed))} responses over the ` +
        `three phases. After the window: ${run.missingAtEnd} connections still lacked the last section of their ` +
        `report after up to ${deliveryTimeoutMs / 1000} s. Opening took ${ms(run.opened.elapsedMs)} for all ` +
        `${run.settings.sseConnections} (${openConcurrency} at a time).`,
      ...(examples.length > 0 ? [`Examples: ${examples.join(' | ')}`] : []),
      `Conditional writes refused as intended (not errors): ${byClass('refusedByCondition').join(', ') || 'none'}.`,
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
  const icpRow = (row: GenerationRow, label: string) => {
    const ttfb = row.result.samples.map((sample) => sample.firstByteAt - sample.sentAt);
    const [totalMedian, totalP95] = medianAndP95(totals(row), ms);
    return timingRow(label, ttfb, totalMedian, totalP95, perSecond(row).toFixed(1));
  };
  const slowdown = medianOrNaN(totals(run.loaded)) / medianOrNaN(totals(run.single));
  const { latencies } = delivery;
  const sseLabel = `SSE event: section write resolved → received (${settings.sseConnections} connections)`;
  const sseRate = (latencies.length / settings.seconds).toFixed(0);
  return {
    title: 'Latency under load: SSE event delivery and ICP generation (TTFB = first body byte)',
    columns: ['What', ...figureColumns('Samples', 'Median', 'p95', 'Total median / p99', 'Total p95 / max', 'Per s')],
    rows: [
      timingRow(sseLabel, latencies, ms(percentile(latencies, 99)), ms(Math.max(...latencies)), sseRate),
      icpRow(run.single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      icpRow(run.concurrent, `ICP TTFB | total: ${run.concurrent.clients} clients, no SSE`),
      icpRow(run.loaded, `ICP TTFB | total: ${run.loaded.clients} clients + ${settings.sseConnections} SSE (loaded)`),
    ],
    notes: [`Loaded generation total median ÷ unloaded: ${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}.`],
  };
}
