/** The load test's tables, built from the facts of one run. What each measures: bench/README.md, "Load". */
import { medianAndP95, medianOrNaN, tenthsUnder100Ms as ms, verdict } from '../support/format.ts';
import type { SseRecord } from '../support/sse-client.ts';
import { percentile, sum } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import { deliveryTimeoutMs, type GenerationRow, openConcurrency, type RunFacts, targets, type Write } from './run.ts';

/** Every section write checked at every connection of its report: latency of each first receipt, deviations counted. */
function analyseDelivery(connections: SseRecord[], writes: Write[]) {
  const delivery = { latencies: [] as number[], missing: 0, duplicates: 0, outOfOrder: 0, unexpected: 0, expected: 0 };
  for (const connection of connections.filter(({ status }) => status === 200)) {
    const expected = writes.filter((write) => write.reportId === connection.reportId);
    delivery.expected += expected.length;
    const seen = new Set<string>();
    let lastPosition = -1;
    let lastEventId = '';
    for (const event of connection.events) {
      if (event.id <= lastEventId) delivery.outOfOrder++;
      lastEventId = event.id;
      const write =
        event.event === 'section.completed' && expected.find(({ sectionId }) => sectionId === event.sectionId);
      if (!write) delivery.unexpected++;
      else if (seen.has(write.sectionId)) delivery.duplicates++;
      else {
        seen.add(write.sectionId);
        if (write.position < lastPosition) delivery.outOfOrder++;
        lastPosition = write.position;
        delivery.latencies.push(event.receivedAt - write.writtenAt);
      }
    }
    delivery.missing += expected.length - seen.size;
  }
  return delivery;
}

const totals = (row: GenerationRow) => row.result.samples.map((sample) => sample.endAt - sample.sentAt);
const perSecond = ({ result }: GenerationRow) =>
  result.completedInWindow / ((result.windowEnd - result.windowStart) / 1000);

export function loadTables(run: RunFacts): BenchTable[] {
  const facts = withSharedValues(run);
  return [headlineTable(facts), errorTable(facts), latencyTable(facts)];
}

/** The values more than one table prints, computed once; `errors` lists every kind the run must not have. */
function withSharedValues(run: RunFacts) {
  const delivery = analyseDelivery(run.connections, run.writes);
  const generations = [run.single, run.concurrent, run.loaded];
  const opened = run.connections.filter(({ status }) => status === 200);
  const dropped = opened.filter((connection) => connection.dropped);
  const generationFailures = sum(generations.map((row) => row.result.failed));
  const dynamoFailures = sum([...run.calls.values()].map((calls) => calls.failed));
  const errors: Array<[string, number]> = [
    ['SSE connections not opened (non-200, connect error)', run.settings.sseConnections - opened.length],
    ['SSE connections dropped before the client closed them', dropped.length],
    ['Section events missing at a connection', delivery.missing],
    ['Section events received twice', delivery.duplicates],
    ['Events out of order (event id or section position)', delivery.outOfOrder],
    ['Unexpected events (other type, unknown section, job.*)', delivery.unexpected],
    ['ICP generations failed (non-200, x-cache ≠ miss, not an ICPResult, aborted)', generationFailures],
    ['DynamoDB calls of the handlers that failed (SSE polls retry them silently)', dynamoFailures],
  ];
  const errorTotal = sum(errors.map(([, count]) => count));
  return { ...run, delivery, generations, held: opened.length - dropped.length, dropped, errors, errorTotal };
}

type LoadFacts = ReturnType<typeof withSharedValues>;

function headlineTable({ settings, loaded, delivery, held, errorTotal, ...run }: LoadFacts): BenchTable {
  const environment = run.stack.functionEnvironment;
  const [heldCell, heldTarget] = [`${held} of ${settings.sseConnections}`, `${targets.sseConnections} held`];
  const heldPass = held >= targets.sseConnections;
  const throughput = perSecond(loaded);
  const completed = `${loaded.result.completedInWindow} (${throughput.toFixed(1)}/s)`;
  const loadedTotals = totals(loaded);
  // Little's law: generations in flight = throughput × mean time in the system.
  const inFlight = loadedTotals.length > 0 ? (throughput * sum(loadedTotals)) / loadedTotals.length / 1000 : 0;
  const clients = `${loaded.clients} (≈ ${inFlight.toFixed(1)})`;
  const clientsPass = loaded.clients >= targets.generations;
  const clientsVerdict = verdict(clientsPass, `${targets.generations} concurrent`);
  const delivered = `${delivery.latencies.length} of ${delivery.expected}`;
  const latencyMedian = medianOrNaN(delivery.latencies);
  const latencyTarget = `median < ${targets.eventLatencyMedianMs} ms`;
  const latencyPass = latencyMedian < targets.eventLatencyMedianMs;
  const latencyVerdict = verdict(latencyPass, latencyTarget);
  const latency =
    delivery.latencies.length > 0 ? `median ${ms(latencyMedian)}, p95 ${ms(percentile(delivery.latencies, 95))}` : '—';
  const unloadedTotal = `1 client, no SSE: ${ms(medianOrNaN(totals(run.single)))}`;
  const load = `Load (${settings.sseConnections} SSE + ${settings.generations} generations)`;
  return {
    title: `Load: ${settings.sseConnections} SSE connections + ${settings.generations} concurrent ICP generations for ${settings.seconds} s (local stack)`,
    columns: ['Check', ...figureColumns('Measured'), 'Target'],
    rows: [
      ['SSE connections held for the whole window (opened − dropped)', heldCell, verdict(heldPass, heldTarget)],
      ['Concurrent ICP generations (closed-loop clients; ≈ in flight by Little’s law)', clients, clientsVerdict],
      ['Generations completed in the window (valid ICPResult each)', completed, '—'],
      ['Section events delivered (connections × writes to their report)', delivered, '—'],
      ['Errors (see the error table)', String(errorTotal), verdict(errorTotal === 0, '0 errors')],
      ['Event latency median under load (write → receipt, all connections)', ms(latencyMedian), latencyVerdict],
    ],
    notes: [
      `Stack: SSE poll ${environment.SSE_POLL_MIN_MS}–${environment.SSE_POLL_MAX_MS} ms, heartbeat ` +
        `${Number(environment.SSE_HEARTBEAT_MS) / 1000} s (cdk.json); model firstChunkMs ${settings.firstChunkMs}, ` +
        `perChunkMs ${settings.perChunkMs}; ${settings.tenants} tenants, ${settings.reports} running reports, ` +
        `${Math.round(settings.sseConnections / settings.reports)} connections per report. Open-file soft limit: ` +
        `${run.openFiles ?? 'unknown'}. Whole module: ${(run.elapsedMs / 1000).toFixed(0)} s.`,
    ],
    headlines: [
      headline(`${load}: errors`, String(errorTotal), '—', '0', errorTotal === 0),
      headline(`${load}: SSE connections held`, heldCell, '—', heldTarget, heldPass),
      headline(`${load}: concurrent ICP generations`, `${loaded.clients}`, '—', `${targets.generations}`, clientsPass),
      headline(`${load}: SSE event latency under load`, latency, '—', latencyTarget, latencyPass),
      headline(`${load}: ICP generation total median`, ms(medianOrNaN(loadedTotals)), unloadedTotal),
    ],
  };
}

function errorTable(run: LoadFacts): BenchTable {
  const byClass = (key: 'failed' | 'refusedByCondition') =>
    [...run.calls].filter(([, calls]) => calls[key] > 0).map(([name, calls]) => `${name} ${calls[key]}`);
  const examples = [
    ...run.opened.failures.slice(0, 3).map((failure) => `SSE open: ${failure}`),
    ...run.dropped.slice(0, 3).map(({ dropped }) => `SSE dropped: ${dropped?.reason}`),
    ...run.generations.flatMap(({ label, result }) => result.failures.map((why) => `${label}: ${why}`)).slice(0, 3),
    ...(byClass('failed').length > 0 ? [`DynamoDB failures by class: ${byClass('failed').join(', ')}`] : []),
  ];
  return {
    title: 'Errors (every one must be 0)',
    columns: ['Kind', ...figureColumns('Count'), 'Target'],
    rows: run.errors.map(([kind, count]) => [kind, String(count), verdict(count === 0, '0')]),
    notes: [
      `Generations checked: ${sum(run.generations.map((row) => row.result.completed))} responses over the ` +
        `three phases. After the window: ${run.missingAtEnd} connections still lacked the last section of their ` +
        `report after up to ${deliveryTimeoutMs / 1000} s. Opening took ${ms(run.opened.elapsedMs)} for all ` +
        `${run.settings.sseConnections} (${openConcurrency} at a time).`,
      ...(examples.length > 0 ? [`Examples: ${examples.join(' | ')}`] : []),
      `Conditional writes refused as intended (not errors): ${byClass('refusedByCondition').join(', ') || 'none'}.`,
    ],
  };
}

function latencyTable({ delivery: { latencies }, settings, single, concurrent, loaded }: LoadFacts): BenchTable {
  /** Samples, median, p95, then p99 and max (SSE) or total median and p95 (ICP), then per second. */
  const timingRow = (label: string, values: number[], ...rest: string[]) => {
    return [label, String(values.length), ...medianAndP95(values, ms), ...rest];
  };
  const icpRow = (row: GenerationRow, label: string) => {
    const ttfb = row.result.samples.map((sample) => sample.firstByteAt - sample.sentAt);
    return timingRow(label, ttfb, ...medianAndP95(totals(row), ms), perSecond(row).toFixed(1));
  };
  const slowdown = medianOrNaN(totals(loaded)) / medianOrNaN(totals(single));
  const sseLabel = `SSE event: section write resolved → received (${settings.sseConnections} connections)`;
  const sseRate = (latencies.length / settings.seconds).toFixed(0);
  return {
    title: 'Latency under load: SSE event delivery and ICP generation (TTFB = first body byte)',
    columns: ['What', ...figureColumns('Samples', 'Median', 'p95', 'Total median / p99', 'Total p95 / max', 'Per s')],
    rows: [
      timingRow(sseLabel, latencies, ms(percentile(latencies, 99)), ms(Math.max(...latencies)), sseRate),
      icpRow(single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      icpRow(concurrent, `ICP TTFB | total: ${concurrent.clients} clients, no SSE`),
      icpRow(loaded, `ICP TTFB | total: ${loaded.clients} clients + ${settings.sseConnections} SSE (loaded)`),
    ],
    notes: [`Loaded generation total median ÷ unloaded: ${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}.`],
  };
}
