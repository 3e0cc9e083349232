/** The load test's tables, built from the facts of one run. What each measures: bench/README.md, "Load". */
import { cpuCells } from '../support/cpu-usage.ts';
import type { CountedCalls } from '../support/dynamo-calls.ts';
import { medianAndP95, medianOrNaN, tenthsUnder100Ms as ms, verdict } from '../support/format.ts';
import { type MemorySample, type OpenHandles, procStatusBytes } from '../support/memory-usage.ts';
import { median, percentile } from '../support/stats.ts';
import { type BenchTable, figureColumns, headline } from '../support/table.ts';
import { errorCounts, type GenerationRow, type MemoryPoint, type RunFacts, totalErrors } from './run-facts.ts';
import {
  deliveryTimeoutMs,
  inFlightSampleMs,
  offlineJsonChunkChars,
  openConcurrency,
  targets,
  usdPerMillionRru,
} from './settings.ts';

export function loadTables(run: RunFacts): BenchTable[] {
  return [
    headlineTable(run),
    errorTable(run),
    latencyTable(run),
    memoryTable(run),
    dynamoTable(run),
    idleTable(run),
    cpuTable(run),
  ];
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
  const writeCalls = run.writes.map((write) => write.writtenAt - write.startedAt);
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
  const bodyBytes = [run.single, run.concurrent, run.loaded].flatMap((row) =>
    row.result.samples.map((sample) => sample.bytes),
  );
  const chunks = bodyBytes.length > 0 ? Math.ceil(median(bodyBytes) / offlineJsonChunkChars) : 0;
  const floorTotal = settings.firstChunkMs + Math.max(0, chunks - 1) * settings.perChunkMs;
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
      timingRow(
        'SSE event: per-connection medians (median, p95 | —, slowest connection)',
        delivery.connectionMedians,
        '—',
        maxOf(delivery.connectionMedians),
        '—',
      ),
      timingRow(
        'Section write call (putReportSection, PutItem)',
        writeCalls,
        '—',
        maxOf(writeCalls),
        (writeCalls.length / settings.seconds).toFixed(1),
      ),
      [
        `ICP model floor: endpoint delays only (${chunks} deltas)`,
        '—',
        ms(settings.firstChunkMs),
        '—',
        ms(floorTotal),
        '—',
        '—',
      ],
      generationRow(run.single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      generationRow(run.concurrent, `ICP TTFB | total: ${run.concurrent.clients} clients, no SSE`),
      generationRow(
        run.loaded,
        `ICP TTFB | total: ${run.loaded.clients} clients + ${settings.sseConnections} SSE (loaded)`,
      ),
    ],
    notes: [
      `Median ICP body: ${bodyBytes.length > 0 ? median(bodyBytes) : 0} bytes, ${chunks} deltas of ` +
        `${offlineJsonChunkChars} characters. Loaded generation total median ÷ unloaded: ` +
        `${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}. Main-thread event-loop delay during the ` +
        `loaded window: p50 ${ms(run.loopDelay.p50)}, p99 ${ms(run.loopDelay.p99)}, max ${ms(run.loopDelay.max)}.`,
    ],
  };
}

function memoryTable(run: RunFacts): BenchTable {
  const { before, sseOnly, during, peak, after, afterGc } = run.memory;
  const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(0)} MB`);
  const points = [before, sseOnly, after, afterGc];
  const row = (label: string, read: (point: MemoryPoint) => number | undefined, peakValue: number | undefined) => {
    const [atBefore, atSseOnly, atAfter, atAfterGc] = points.map(read);
    const change =
      atAfterGc === undefined || atBefore === undefined
        ? '—'
        : `${atAfterGc >= atBefore ? '+' : '−'}${(Math.abs(atAfterGc - atBefore) / 1e6).toFixed(0)} MB`;
    return [label, mb(atBefore), mb(atSseOnly), mb(peakValue), mb(atAfter), mb(atAfterGc), change];
  };
  const sample = (pick: (sample: MemorySample) => number | undefined) => (point: MemoryPoint) => pick(point.sample);
  const perConnection = (pick: (sample: MemorySample) => number) =>
    (pick(sseOnly.sample) - pick(before.sample)) / run.settings.sseConnections;
  const signedKb = (bytes: number, digits: number) =>
    `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1e3).toFixed(digits)} kB`;
  const jvmPeak = run.jvmPid === undefined ? undefined : procStatusBytes(run.jvmPid, 'VmHWM');
  return {
    title: 'Memory: the Node process (server, model endpoint, client threads) and DynamoDB Local’s JVM',
    columns: [
      'Measure',
      ...figureColumns(
        'Before (idle, GC)',
        `${run.settings.sseConnections} SSE open, no load`,
        'Peak during load',
        'After close',
        'After close, GC',
        'After GC − before',
      ),
    ],
    rows: [
      row(
        'Node process RSS (all threads)',
        sample((s) => s.rss),
        peak.rss.rss,
      ),
      row(
        'Main-thread V8 heap used (server side)',
        sample((s) => s.heapUsed),
        peak.heap.heapUsed,
      ),
      row(
        'Main-thread V8 heap total',
        sample((s) => s.heapTotal),
        peak.heap.heapTotal,
      ),
      row(
        'External + array buffers (main isolate)',
        sample((s) => s.external),
        peak.rss.external,
      ),
      row('SSE client thread V8 heap used', (point) => point.sseHeap, during?.sseHeap),
      row('ICP client thread V8 heap used', (point) => point.icpHeap, during?.icpHeap),
      row(
        'DynamoDB Local JVM VmRSS (-Xmx256m)',
        sample((s) => s.otherRss),
        peak.jvm.otherRss,
      ),
    ],
    notes: [
      `Opening the connections: RSS ${signedKb(
        perConnection((s) => s.rss),
        0,
      )} and main heap ` +
        `${signedKb(
          perConnection((s) => s.heapUsed),
          1,
        )} per connection (both ends).`,
      `DynamoDB Local's own high-water mark (VmHWM) at the end: ${mb(jvmPeak)}.`,
    ],
  };
}

function dynamoTable(run: RunFacts): BenchTable {
  const { calls, settings } = run;
  const windowSeconds = (run.windowEnd - run.windowStart) / 1000;
  const inWindow = (name: string) => calls.countBetween(name, run.windowStart, run.windowEnd);
  const durationCells = (name: string) => {
    const entry = calls.classes.get(name);
    const durations = (entry?.durations ?? []).filter((_, index) => {
      const start = entry?.starts[index] ?? 0;
      return start >= run.windowStart && start < run.windowEnd;
    });
    return medianAndP95(durations, ms);
  };
  const perConnectionMinute = (rate: number, digits: number) => ((rate * 60) / settings.sseConnections).toFixed(digits);
  const queries = inWindow('sse.query') / windowSeconds;
  const gets = inWindow('sse.get') / windowSeconds;
  const rruPerSecond = queries * 0.5 + gets * 1;
  const others = [...calls.classes.keys()].filter((name) => !name.startsWith('sse.')).sort();
  const inFlight = run.inFlight;
  return {
    title: `DynamoDB calls of the handlers during the loaded window (${windowSeconds.toFixed(0)} s)`,
    columns: ['Call', ...figureColumns('Per second', 'Per connection per min', 'Call time median', 'Call time p95')],
    rows: [
      [
        'SSE: event-log Query (followed reports)',
        queries.toFixed(0),
        perConnectionMinute(queries, 1),
        ...durationCells('sse.query'),
      ],
      [
        'SSE: report GetItem (heartbeat status re-read)',
        gets.toFixed(1),
        perConnectionMinute(gets, 2),
        ...durationCells('sse.get'),
      ],
      [
        'SSE: read request units (Query 0.5, strongly consistent GetItem 1)',
        rruPerSecond.toFixed(0),
        perConnectionMinute(rruPerSecond, 1),
        '—',
        '—',
      ],
      ...others.map((name) => [
        `Other: ${name} (generations, writes, projector, auth)`,
        (inWindow(name) / windowSeconds).toFixed(1),
        '—',
        ...durationCells(name),
      ]),
    ],
    notes: [
      inFlight.length > 0
        ? `Calls in flight, sampled every ${inFlightSampleMs} ms in the window: median ${median(inFlight)}, p95 ` +
          `${percentile(inFlight, 95)}, max ${Math.max(...inFlight)} (the SDK agent has 50 sockets).`
        : 'Calls in flight: not sampled.',
      `Cost of the polling at the same read rate on AWS: ${rruPerSecond.toFixed(0)} RRU/s ≈ ` +
        `$${((rruPerSecond * 3600 * usdPerMillionRru) / 1e6).toFixed(3)} per hour for ${settings.sseConnections} ` +
        `connections at $${usdPerMillionRru} per million RRU.`,
    ],
  };
}

function idleTable(run: RunFacts): BenchTable {
  const { idle } = run;
  const aroundClose = idle.perSecond
    .map(({ from, count }) => `${from >= 0 ? '+' : ''}${from / 1000} s: ${count}`)
    .join(', ');
  /** One kind of handle before / during / after, and whether it came back to about its value before. */
  const handleRow = (label: string, pick: (handles: OpenHandles) => number | undefined, slack: number) => {
    const [before, during, after] = [idle.handles.before, idle.handles.during, idle.handles.after].map(pick);
    return [
      label,
      `${before ?? '—'} / ${during ?? '—'} / ${after ?? '—'}`,
      before === undefined || after === undefined ? '—' : verdict(after <= before + slack, 'after ≈ before'),
    ];
  };
  return {
    title: 'After closing every SSE connection: does the server return to idle?',
    columns: ['Check', ...figureColumns('Measured'), 'Target'],
    rows: [
      [
        `Event-log Queries from close to +${idle.graceMs / 1000} s (in-flight polls, last sleeps)`,
        String(idle.queriesInGrace),
        '—',
      ],
      [
        `Event-log Queries from +${idle.graceMs / 1000} s to +${idle.windowMs / 1000} s`,
        String(idle.queriesAfterGrace),
        verdict(idle.queriesAfterGrace === 0, '0 (every SSE loop ended)'),
      ],
      [
        'Last event-log Query after close',
        idle.lastQueryAfterClose === undefined ? 'none' : `+${ms(idle.lastQueryAfterClose)}`,
        `≤ poll max (${run.poll.maxMs} ms)`,
      ],
      handleRow('Main-thread timers (Timeout handles): before / during / after', (h) => h.timeouts, 2),
      handleRow('Main-thread TCP sockets: before / during / after', (h) => h.sockets, 5),
      handleRow('Open file descriptors of the process (both ends): before / during / after', (h) => h.fds, 5),
    ],
    notes: [`Event-log Queries on the followed reports per second around the close (t = 0): ${aroundClose}.`],
  };
}

function cpuTable(run: RunFacts): BenchTable {
  const rows = [run.concurrent, run.loaded].map((row) => {
    const cells = cpuCells(row.cpu);
    const [sseLoop = '—', icpLoop = '—'] = cells.workerLoops;
    return [
      row === run.loaded
        ? `${row.clients} generations + ${run.settings.sseConnections} SSE (loaded window)`
        : `${row.clients} generations, no SSE (baseline window)`,
      cells.machine,
      cells.process,
      cells.mainLoop,
      row === run.loaded ? sseLoop : '—',
      icpLoop,
      cells.jvm,
      cells.others,
    ];
  });
  const estimate = mainThreadCostEstimate(run);
  return {
    title: 'CPU during the generation windows (cores busy, averaged over the window)',
    columns: [
      'Window',
      ...figureColumns(
        'Machine',
        'Node process (all threads)',
        'Main thread event loop',
        'SSE client thread',
        'ICP client thread',
        'DynamoDB Local JVM',
        'Other processes',
      ),
    ],
    rows,
    notes: estimate ? [estimate] : [],
  };
}

/**
 * Rough split of the loaded window's main-thread time: the baseline window gives main-thread busy time per
 * generation (model endpoint, AI SDK, handler); what the loaded window's generations do not explain is charged
 * to the SSE polls (loop, Query through the SDK, writes of events).
 */
function mainThreadCostEstimate(run: RunFacts): string | undefined {
  const busyMs = (row: GenerationRow) =>
    row.cpu ? row.cpu.mainLoop * (row.result.windowEnd - row.result.windowStart) : undefined;
  const baselineBusy = busyMs(run.concurrent);
  const loadedBusy = busyMs(run.loaded);
  const queries = run.calls.countBetween('sse.query', run.windowStart, run.windowEnd);
  const baselineGenerations = run.concurrent.result.completedInWindow;
  if (baselineBusy === undefined || loadedBusy === undefined || baselineGenerations === 0 || queries === 0) return;
  const perGeneration = baselineBusy / baselineGenerations;
  const loadedGenerations = run.loaded.result.completedInWindow;
  const left = loadedBusy - perGeneration * loadedGenerations;
  return (
    `Estimate: the baseline window’s main thread was busy ${ms(perGeneration)} per generation; at that rate the ` +
    `loaded window’s ${loadedGenerations} generations explain ` +
    `${Math.round((100 * perGeneration * loadedGenerations) / loadedBusy)} % of its busy time, and the ` +
    `rest is about ${ms(left / queries)} of main-thread time per SSE poll (${queries} event-log Queries).`
  );
}
