/** The load test's tables, built from the facts of one run. */
import { cpus } from 'node:os';
import type { CountedCalls } from '../support/dynamo-calls.ts';
import { tenthsUnder100Ms, verdict } from '../support/format.ts';
import { type MemorySample, procStatusBytes } from '../support/memory-usage.ts';
import { median, percentile } from '../support/stats.ts';
import { type BenchTable, headline } from '../support/table.ts';
import { errorCounts, type GenerationRow, type MemoryPoint, type RunFacts, totalErrors } from './run-facts.ts';
import {
  deliveryTimeoutMs,
  inFlightSampleMs,
  memorySampleMs,
  offlineJsonChunkChars,
  openConcurrency,
  streamsPerTenant,
  targets,
  usdPerMillionRru,
  warmUpMs,
  writeGapMs,
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

function headlineTable(run: RunFacts): BenchTable {
  const { settings, loaded, delivery } = run;
  const errors = totalErrors(errorCounts(run));
  const held = run.connections.filter((connection) => connection.status === 200 && !connection.dropped).length;
  const windowSeconds = (run.windowEnd - run.windowStart) / 1000;
  const throughput = loaded.result.completedInWindow / windowSeconds;
  const totals = loaded.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const inFlight = totals.length > 0 ? throughput * (totals.reduce((a, b) => a + b, 0) / totals.length / 1000) : 0;
  const latencyMedian = delivery.latencies.length > 0 ? median(delivery.latencies) : Number.NaN;
  const totalMedian = (row: GenerationRow) => {
    const values = row.result.samples.map((sample) => sample.endAt - sample.sentAt);
    return values.length > 0 ? median(values) : Number.NaN;
  };
  const load = `${settings.sseConnections} SSE + ${settings.generations} generations`;
  return {
    title: `Load: ${settings.sseConnections} SSE connections + ${settings.generations} concurrent ICP generations for ${settings.seconds} s (local stack)`,
    columns: [{ header: 'Check' }, { header: 'Measured', align: 'right' }, { header: 'Target' }],
    rows: [
      [
        'SSE connections held for the whole window (opened − dropped)',
        `${held} of ${settings.sseConnections}`,
        verdict(held >= targets.sseConnections, `${targets.sseConnections} held`),
      ],
      [
        'Concurrent ICP generations (closed-loop clients; ≈ in flight by Little’s law)',
        `${loaded.clients} (≈ ${inFlight.toFixed(1)})`,
        verdict(loaded.clients >= targets.generations, `${targets.generations} concurrent`),
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
        tenthsUnder100Ms(latencyMedian),
        verdict(latencyMedian < targets.eventLatencyMedianMs, `median < ${targets.eventLatencyMedianMs} ms`),
      ],
    ],
    notes: [
      `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared by everything: one Node process runs the ` +
        'Function URL shim with the HTTP handler (every SSE loop and every generation), the local Bedrock endpoint, the ' +
        'stream poller + projector and, on two worker threads, the clients; DynamoDB Local is a JVM beside it. On AWS ' +
        'every SSE connection and every generation is a Lambda invocation of its own, so this is a single-process ' +
        'stress figure for the local stack, not a prediction of Lambda capacity.',
      `Stack: startLocalStack({ localBedrock: { latencyMs: { firstChunkMs: ${settings.firstChunkMs}, perChunkMs: ` +
        `${settings.perChunkMs} } } }) (BENCH_LOAD_FIRST_CHUNK_MS, BENCH_LOAD_PER_CHUNK_MS), DynamoDB Local in memory, ` +
        `SSE settings from cdk.json (poll ${run.poll.minMs}–${run.poll.maxMs} ms, heartbeat ${run.poll.heartbeatMs / 1000} s). ` +
        `${settings.tenants} tenants (1,000,000-unit quota each), ${settings.reports} running reports ` +
        `(${settings.reports / settings.tenants} per tenant), the SSE connections spread round-robin over them ` +
        `(${Math.round(settings.sseConnections / settings.reports)} per report), the generation clients over the tenants. ` +
        `The per-organisation stream cap (sse.maxConnectionsPerOrganisation) is raised to ${streamsPerTenant(settings)} ` +
        'for this run: it measures what the platform holds, not the cap. ' +
        `Open-file soft limit: ${run.openFiles ?? 'unknown'} (both ends of every connection are in this process; the ` +
        'module refuses to start below 2 × connections + 300).',
      `Window: ${settings.seconds} s (BENCH_LOAD_SECONDS) after ${warmUpMs.concurrent / 1000} s of generation load ` +
        'started with the connections already open; section writes run during the window only. Whole module: ' +
        `${(run.elapsedMs / 1000).toFixed(0)} s. Knobs: BENCH_LOAD_SSE_CONNECTIONS, BENCH_LOAD_GENERATIONS, ` +
        'BENCH_LOAD_REPORTS, BENCH_LOAD_TENANTS, BENCH_LOAD_BASELINE_SECONDS.',
    ],
    headlines: [
      headline(`Load (${load}): errors`, String(errors), '—', '0', errors === 0),
      headline(
        `Load (${load}): SSE connections held`,
        `${held} of ${settings.sseConnections}`,
        '—',
        `${targets.sseConnections} held`,
        held >= targets.sseConnections,
      ),
      headline(
        `Load (${load}): concurrent ICP generations`,
        String(loaded.clients),
        '—',
        `${targets.generations}`,
        loaded.clients >= targets.generations,
      ),
      headline(
        `Load (${load}): SSE event latency under load`,
        delivery.latencies.length > 0
          ? `median ${tenthsUnder100Ms(latencyMedian)}, p95 ${tenthsUnder100Ms(percentile(delivery.latencies, 95))}`
          : '—',
        '—',
        `median < ${targets.eventLatencyMedianMs} ms`,
        latencyMedian < targets.eventLatencyMedianMs,
      ),
      headline(
        `Load (${load}): ICP generation total median`,
        tenthsUnder100Ms(totalMedian(loaded)),
        `1 client, no SSE: ${tenthsUnder100Ms(totalMedian(run.single))}`,
      ),
    ],
  };
}

function errorTable(run: RunFacts): BenchTable {
  const counts = errorCounts(run);
  const dropped = run.connections.filter((connection) => connection.status === 200 && connection.dropped);
  const generationFailures = [run.single, run.concurrent, run.loaded].flatMap((row) =>
    row.result.failures.map((failure) => `${row.label}: ${failure}`),
  );
  /** `Class count` for every call class where `count` is not 0. */
  const byClass = (count: (calls: CountedCalls) => number) =>
    [...run.calls.classes.entries()]
      .filter(([, calls]) => count(calls) > 0)
      .map(([name, calls]) => `${name} ${count(calls)}`);
  const dynamoFailures = byClass((calls) => calls.failed);
  const conditionRefusals = byClass((calls) => calls.refusedByCondition);
  const row = (label: string, count: number) => [label, String(count), verdict(count === 0, '0')];
  const examples = [
    ...run.opened.failures.slice(0, 3).map((failure) => `SSE open: ${failure}`),
    ...dropped.slice(0, 3).map((connection) => `SSE dropped: ${connection.dropped?.reason}`),
    ...generationFailures.slice(0, 3),
    ...(dynamoFailures.length > 0 ? [`DynamoDB failures by class: ${dynamoFailures.join(', ')}`] : []),
  ];
  return {
    title: 'Errors (every one must be 0)',
    columns: [{ header: 'Kind' }, { header: 'Count', align: 'right' }, { header: 'Target' }],
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
      `Generations checked: ${[run.single, run.concurrent, run.loaded].reduce((sum, r) => sum + r.result.completed, 0)} ` +
        'responses over the three phases (warm-up and drain included), each HTTP 200 with x-cache: miss and a body ' +
        'that JSON-parses and validates against icpResultSchema (a stream aborted after the first byte fails the parse).',
      `SSE: every connection must get each section written to its report after it opened, exactly once and in order; ` +
        `after the window the benchmark waited up to ${deliveryTimeoutMs / 1000} s for the last section of every report ` +
        `(${run.missingAtEnd} connections still lacked it). Opening took ${tenthsUnder100Ms(run.opened.elapsedMs)} for all ` +
        `${run.settings.sseConnections} (${openConcurrency} at a time).`,
      ...(examples.length > 0 ? [`Examples: ${examples.join(' | ')}`] : []),
      'Not errors, so not counted above: conditional writes DynamoDB refused as the code intended (the first AI ' +
        'request of an organisation in a new minute starts its rate window with a second update; a completed section ' +
        `is never overwritten): ${conditionRefusals.length > 0 ? conditionRefusals.join(', ') : 'none'}.`,
    ],
  };
}

function latencyTable(run: RunFacts): BenchTable {
  const { delivery } = run;
  const writeCalls = run.writes.map((write) => write.writtenAt - write.startedAt);
  const generationRow = (row: GenerationRow, description: string) => {
    const samples = row.result.samples;
    const ttfb = samples.map((sample) => sample.firstByteAt - sample.sentAt);
    const total = samples.map((sample) => sample.endAt - sample.sentAt);
    const seconds = (row.result.windowEnd - row.result.windowStart) / 1000;
    return [
      description,
      String(samples.length),
      ...(samples.length > 0
        ? [
            tenthsUnder100Ms(median(ttfb)),
            tenthsUnder100Ms(percentile(ttfb, 95)),
            tenthsUnder100Ms(median(total)),
            tenthsUnder100Ms(percentile(total, 95)),
          ]
        : ['—', '—', '—', '—']),
      (row.result.completedInWindow / seconds).toFixed(1),
    ];
  };
  const bodyBytes = [run.single, run.concurrent, run.loaded].flatMap((row) =>
    row.result.samples.map((sample) => sample.bytes),
  );
  const chunks = bodyBytes.length > 0 ? Math.ceil(median(bodyBytes) / offlineJsonChunkChars) : 0;
  const floorTotal = run.settings.firstChunkMs + Math.max(0, chunks - 1) * run.settings.perChunkMs;
  const singleTotal = run.single.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const loadedTotal = run.loaded.result.samples.map((sample) => sample.endAt - sample.sentAt);
  const slowdown =
    singleTotal.length > 0 && loadedTotal.length > 0 ? median(loadedTotal) / median(singleTotal) : Number.NaN;
  return {
    title: 'Latency under load: SSE event delivery and ICP generation (TTFB = first body byte)',
    columns: [
      { header: 'What' },
      { header: 'Samples', align: 'right' },
      { header: 'Median', align: 'right' },
      { header: 'p95', align: 'right' },
      { header: 'Total median / p99', align: 'right' },
      { header: 'Total p95 / max', align: 'right' },
      { header: 'Per s', align: 'right' },
    ],
    rows: [
      delivery.latencies.length > 0
        ? [
            `SSE event: section write resolved → received (${run.settings.sseConnections} connections)`,
            String(delivery.latencies.length),
            tenthsUnder100Ms(median(delivery.latencies)),
            tenthsUnder100Ms(percentile(delivery.latencies, 95)),
            tenthsUnder100Ms(percentile(delivery.latencies, 99)),
            tenthsUnder100Ms(Math.max(...delivery.latencies)),
            (delivery.latencies.length / run.settings.seconds).toFixed(0),
          ]
        : ['SSE event: section write resolved → received', '0', '—', '—', '—', '—', '—'],
      delivery.connectionMedians.length > 0
        ? [
            'SSE event: per-connection medians (median, p95 | —, slowest connection)',
            String(delivery.connectionMedians.length),
            tenthsUnder100Ms(median(delivery.connectionMedians)),
            tenthsUnder100Ms(percentile(delivery.connectionMedians, 95)),
            '—',
            tenthsUnder100Ms(Math.max(...delivery.connectionMedians)),
            '—',
          ]
        : ['SSE event: per-connection medians', '0', '—', '—', '—', '—', '—'],
      writeCalls.length > 0
        ? [
            'Section write call (putReportSection, PutItem)',
            String(writeCalls.length),
            tenthsUnder100Ms(median(writeCalls)),
            tenthsUnder100Ms(percentile(writeCalls, 95)),
            '—',
            tenthsUnder100Ms(Math.max(...writeCalls)),
            (writeCalls.length / run.settings.seconds).toFixed(1),
          ]
        : ['Section write call', '0', '—', '—', '—', '—', '—'],
      [
        `ICP model floor: endpoint delays only (${chunks} deltas)`,
        '—',
        tenthsUnder100Ms(run.settings.firstChunkMs),
        '—',
        tenthsUnder100Ms(floorTotal),
        '—',
        '—',
      ],
      generationRow(run.single, 'ICP TTFB | total: baseline, 1 client, no SSE (unloaded)'),
      generationRow(run.concurrent, `ICP TTFB | total: ${run.concurrent.clients} clients, no SSE`),
      generationRow(
        run.loaded,
        `ICP TTFB | total: ${run.loaded.clients} clients + ${run.settings.sseConnections} SSE (loaded)`,
      ),
    ],
    notes: [
      'SSE rows: Median / p95 columns are the latency median / p95; the next two columns are p99 and max. Latency = ' +
        'putReportSection resolved on the main thread → the chunk completing the event read on the SSE client ' +
        'thread (its own event loop; both clocks are the process clock). It covers the local stream poller (100 ms ' +
        'idle sleep, GetRecords), the projector’s event-log Put, the wait for the connection’s next poll (the interval ' +
        `resets to ${run.poll.minMs} ms after an event and grows ×1.5 to ${run.poll.maxMs} ms), the Query and the send. ` +
        `Write gaps per report: ${writeGapMs.min}–${writeGapMs.max} ms, uniform, fixed seed; every write fans out to ` +
        `${Math.round(run.settings.sseConnections / run.settings.reports)} connections.`,
      'ICP rows: Median / p95 are TTFB; the total columns are median and p95 of request → end of body; Per s = ' +
        'generations completed in the window ÷ window. Every generation asks for a new company (no cache hits). ' +
        `Baselines: ${run.settings.baselineSeconds} s windows (BENCH_LOAD_BASELINE_SECONDS) after ` +
        `${warmUpMs.single / 1000} s / ${warmUpMs.concurrent / 1000} s of the same load (the single client’s window is ` +
        `twice as long). Model floor: the local endpoint waits firstChunkMs (${run.settings.firstChunkMs} ms) before ` +
        `the first delta and perChunkMs (${run.settings.perChunkMs} ms) before each later one; a median body of ` +
        `${bodyBytes.length > 0 ? median(bodyBytes) : 0} bytes is ${chunks} deltas of ${offlineJsonChunkChars} characters. ` +
        'Node timers overshoot by about a millisecond each, so even one generation alone ends a little after the floor.',
      `Loaded generation total median ÷ unloaded: ${Number.isNaN(slowdown) ? '—' : `${slowdown.toFixed(2)}×`}. ` +
        `Main-thread event-loop delay during the loaded window: p50 ${tenthsUnder100Ms(run.loopDelay.p50)}, p99 ` +
        `${tenthsUnder100Ms(run.loopDelay.p99)}, max ${tenthsUnder100Ms(run.loopDelay.max)} (every handler, SSE loop and the model endpoint share it).`,
    ],
  };
}

function memoryTable(run: RunFacts): BenchTable {
  const { before, sseOnly, during, peak, after, afterGc } = run.memory;
  const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(0)} MB`);
  const delta = (to: number | undefined, from: number | undefined) =>
    to === undefined || from === undefined
      ? '—'
      : `${to >= from ? '+' : '−'}${(Math.abs(to - from) / 1e6).toFixed(0)} MB`;
  const row = (
    label: string,
    pick: (sample: MemorySample) => number | undefined,
    peakValue: number | undefined,
    threadPick?: (point: MemoryPoint) => number | undefined,
  ) => {
    const value = (point: MemoryPoint | undefined) => (point ? (threadPick?.(point) ?? pick(point.sample)) : undefined);
    return [
      label,
      mb(value(before)),
      mb(value(sseOnly)),
      mb(peakValue),
      mb(value(after)),
      mb(value(afterGc)),
      delta(value(afterGc), value(before)),
    ];
  };
  const perConnection = (sseOnly.sample.rss - before.sample.rss) / run.settings.sseConnections;
  const perConnectionHeap = (sseOnly.sample.heapUsed - before.sample.heapUsed) / run.settings.sseConnections;
  const jvmPeak = run.jvmPid === undefined ? undefined : procStatusBytes(run.jvmPid, 'VmHWM');
  return {
    title: 'Memory: the Node process (server, model endpoint, client threads) and DynamoDB Local’s JVM',
    columns: [
      { header: 'Measure' },
      { header: 'Before (idle, GC)', align: 'right' },
      { header: `${run.settings.sseConnections} SSE open, no load`, align: 'right' },
      { header: 'Peak during load', align: 'right' },
      { header: 'After close', align: 'right' },
      { header: 'After close, GC', align: 'right' },
      { header: 'After GC − before', align: 'right' },
    ],
    rows: [
      row('Node process RSS (all threads)', (sample) => sample.rss, peak.rss.rss),
      row('Main-thread V8 heap used (server side)', (sample) => sample.heapUsed, peak.heap.heapUsed),
      row('Main-thread V8 heap total', (sample) => sample.heapTotal, peak.heap.heapTotal),
      row('External + array buffers (main isolate)', (sample) => sample.external, peak.rss.external),
      row(
        'SSE client thread V8 heap used',
        () => undefined,
        during?.sseHeap,
        (point) => point.sseHeap,
      ),
      row(
        'ICP client thread V8 heap used',
        () => undefined,
        during?.icpHeap,
        (point) => point.icpHeap,
      ),
      row('DynamoDB Local JVM VmRSS (-Xmx256m)', (sample) => sample.otherRss, peak.jvm.otherRss),
    ],
    notes: [
      'process.memoryUsage() of the benchmark process, which is the server process: the stack runs in it ' +
        '(handlers, SSE loops, local Bedrock endpoint, pollers); RSS also holds the two client threads, whose own ' +
        'heaps are shown separately (worker.getHeapStatistics(), read at each point; "peak" column: near the end of ' +
        `the window). Peak = the largest of the samples taken every ${memorySampleMs} ms from opening the connections ` +
        'to closing them (RSS and heap peaks may be different moments). GC = a full collection of the main isolate ' +
        '(--expose-gc set at run time) just before reading.',
      `Opening the connections: RSS ${perConnection >= 0 ? '+' : '−'}${(Math.abs(perConnection) / 1e3).toFixed(0)} kB ` +
        `and main heap ${perConnectionHeap >= 0 ? '+' : '−'}${(Math.abs(perConnectionHeap) / 1e3).toFixed(1)} kB per ` +
        'connection (both ends: the server’s socket, request, response stream and SSE loop, and the client’s ' +
        'socket and parser on the worker).',
      `DynamoDB Local: VmRSS from /proc/${run.jvmPid ?? '<pid>'}/status at each point; its own high-water mark ` +
        `(VmHWM) at the end: ${mb(jvmPeak)}. Its heap is capped at 256 MB (local/dynamodb-local.ts).`,
    ],
  };
}

function dynamoTable(run: RunFacts): BenchTable {
  const { calls, settings } = run;
  const windowSeconds = (run.windowEnd - run.windowStart) / 1000;
  const inWindow = (name: string) => calls.countBetween(name, run.windowStart, run.windowEnd);
  const durationsInWindow = (name: string) => {
    const entry = calls.classes.get(name);
    if (!entry) return [];
    return entry.durations.filter((_, index) => {
      const start = entry.starts[index] ?? 0;
      return start >= run.windowStart && start < run.windowEnd;
    });
  };
  const queries = inWindow('sse.query') / windowSeconds;
  const gets = inWindow('sse.get') / windowSeconds;
  const rruPerSecond = queries * 0.5 + gets * 1;
  const others = [...calls.classes.keys()].filter((name) => !name.startsWith('sse.')).sort();
  const durationCells = (name: string) => {
    const durations = durationsInWindow(name);
    return durations.length > 0
      ? [tenthsUnder100Ms(median(durations)), tenthsUnder100Ms(percentile(durations, 95))]
      : ['—', '—'];
  };
  return {
    title: `DynamoDB calls of the handlers during the loaded window (${windowSeconds.toFixed(0)} s)`,
    columns: [
      { header: 'Call' },
      { header: 'Per second', align: 'right' },
      { header: 'Per connection per min', align: 'right' },
      { header: 'Call time median', align: 'right' },
      { header: 'Call time p95', align: 'right' },
    ],
    rows: [
      [
        'SSE: event-log Query (followed reports)',
        queries.toFixed(0),
        ((queries * 60) / settings.sseConnections).toFixed(1),
        ...durationCells('sse.query'),
      ],
      [
        'SSE: report GetItem (heartbeat status re-read)',
        gets.toFixed(1),
        ((gets * 60) / settings.sseConnections).toFixed(2),
        ...durationCells('sse.get'),
      ],
      [
        'SSE: read request units (Query 0.5, strongly consistent GetItem 1)',
        rruPerSecond.toFixed(0),
        ((rruPerSecond * 60) / settings.sseConnections).toFixed(1),
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
      'Counted by an SDK middleware on the handlers’ shared DynamoDB document client (start time and duration only). ' +
        'Call time is the whole SDK call: marshalling, waiting for one of the agent’s 50 sockets (the SDK default ' +
        'maxSockets; all of this process’s handlers share them), the HTTP exchange with DynamoDB Local, retries. ' +
        'The stream poller’s GetRecords calls use their own client and are not counted.',
      run.inFlight.length > 0
        ? `Calls in flight on that client, sampled every ${inFlightSampleMs} ms in the window: median ` +
          `${median(run.inFlight)}, p95 ${percentile(run.inFlight, 95)}, max ${Math.max(...run.inFlight)} ` +
          `(${percentile(run.inFlight, 95) > 50 ? 'above 50: calls queued for a socket' : 'within the 50 sockets: no queueing for a socket'}); ` +
          `main-thread event-loop delay p50 ${tenthsUnder100Ms(run.loopDelay.p50)}, so most of a call's time is waiting for the busy ` +
          'main thread to process its response.'
        : 'Calls in flight: not sampled.',
      `Cost of the polling at the same read rate on AWS: ${rruPerSecond.toFixed(0)} RRU/s ≈ ` +
        `$${((rruPerSecond * 3600 * usdPerMillionRru) / 1e6).toFixed(3)} per hour for ${settings.sseConnections} ` +
        `connections at $${usdPerMillionRru} per million RRU (on-demand, us-east-1 list price; not checked live). ` +
        'Each Query that returns an event of ≤ 4 KB is 0.5 RRU, an empty one too.',
    ],
  };
}

function idleTable(run: RunFacts): BenchTable {
  const { idle } = run;
  const perSecond = idle.perSecond
    .map(({ from, count }) => `${from >= 0 ? '+' : ''}${from / 1000} s: ${count}`)
    .join(', ');
  return {
    title: 'After closing every SSE connection: does the server return to idle?',
    columns: [{ header: 'Check' }, { header: 'Measured', align: 'right' }, { header: 'Target' }],
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
        idle.lastQueryAfterClose === undefined ? 'none' : `+${tenthsUnder100Ms(idle.lastQueryAfterClose)}`,
        `≤ poll max (${run.poll.maxMs} ms)`,
      ],
      [
        'Main-thread timers (Timeout handles): before / during / after',
        `${idle.timeouts.before} / ${idle.timeouts.during} / ${idle.timeouts.after}`,
        verdict(idle.timeouts.after <= idle.timeouts.before + 2, 'after ≈ before'),
      ],
      [
        'Main-thread TCP sockets: before / during / after',
        `${idle.sockets.before} / ${idle.sockets.during} / ${idle.sockets.after}`,
        verdict(idle.sockets.after <= idle.sockets.before + 5, 'after ≈ before'),
      ],
      [
        'Open file descriptors of the process (both ends): before / during / after',
        `${idle.fds.before ?? '—'} / ${idle.fds.during ?? '—'} / ${idle.fds.after ?? '—'}`,
        idle.fds.before === undefined || idle.fds.after === undefined
          ? '—'
          : verdict(idle.fds.after <= idle.fds.before + 5, 'after ≈ before'),
      ],
    ],
    notes: [
      `Event-log Queries on the followed reports per second around the close (t = 0): ${perSecond}.`,
      'Closed from the client side (sockets destroyed on the client thread); locally the Function URL shim turns the ' +
        'disconnect into cancel() of the SSE body, which aborts the loop’s sleep. Timers and sockets: ' +
        'process.getActiveResourcesInfo() on the main thread (server side) before opening the connections, at the end ' +
        'of the loaded window, and after the idle wait. The before figure includes the pollers’ and the keep-alive ' +
        'sockets of the stack; each SSE loop holds one timer while it sleeps, each connection one socket.',
    ],
  };
}

function cpuTable(run: RunFacts): BenchTable {
  const cores = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
  const percent = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value * 100)} %`);
  const rows = [run.concurrent, run.loaded].map((row) => {
    const cpu = row.cpu;
    return [
      row === run.loaded
        ? `${row.clients} generations + ${run.settings.sseConnections} SSE (loaded window)`
        : `${row.clients} generations, no SSE (baseline window)`,
      cpu?.machineCores === undefined ? '—' : `${cores(cpu.machineCores)} of ${cpu.cores}`,
      cores(cpu?.processCores),
      percent(cpu?.mainLoop),
      row === run.loaded ? percent(cpu?.workerLoop) : '—',
      percent(row.icpLoop),
      cores(cpu?.otherCores),
      cpu?.machineCores === undefined || cpu.otherCores === undefined
        ? '—'
        : cores(cpu.machineCores - cpu.processCores - cpu.otherCores),
    ];
  });
  const estimate = mainThreadCostEstimate(run);
  return {
    title: 'CPU during the generation windows (cores busy, averaged over the window)',
    columns: [
      { header: 'Window' },
      { header: 'Machine', align: 'right' },
      { header: 'Node process (all threads)', align: 'right' },
      { header: 'Main thread event loop', align: 'right' },
      { header: 'SSE client thread', align: 'right' },
      { header: 'ICP client thread', align: 'right' },
      { header: 'DynamoDB Local JVM', align: 'right' },
      { header: 'Other processes', align: 'right' },
    ],
    rows,
    notes: [
      'As in chat-throughput (support/cpu-usage.ts): process.cpuUsage(), event-loop utilisation per thread, /proc for ' +
        'the JVM and the machine, sampled by timers on the main thread at the window’s start and end. A main-thread ' +
        'event loop near 100 % means the server side is bound to one core: every SSE loop, every generation and ' +
        'the local model endpoint share it. Other processes = machine − Node process − JVM: anything else running ' +
        'on the machine at the time (well above 0.1 means the run was disturbed; rerun it).',
      ...(estimate ? [estimate] : []),
    ],
  };
}

/**
 * Rough split of the loaded window's main-thread time: the baseline window gives main-thread busy time per
 * generation (model endpoint, AI SDK, handler); what the loaded window's generations do not explain is charged
 * to the SSE polls (loop, Query through the SDK, writes of events).
 */
function mainThreadCostEstimate(run: RunFacts): string | undefined {
  const busyMs = (row: GenerationRow) => {
    const seconds = (row.result.windowEnd - row.result.windowStart) / 1000;
    return row.cpu ? row.cpu.mainLoop * seconds * 1000 : undefined;
  };
  const baselineBusy = busyMs(run.concurrent);
  const loadedBusy = busyMs(run.loaded);
  const queries = run.calls.countBetween('sse.query', run.windowStart, run.windowEnd);
  if (baselineBusy === undefined || loadedBusy === undefined || run.concurrent.result.completedInWindow === 0) return;
  if (queries === 0) return;
  const perGeneration = baselineBusy / run.concurrent.result.completedInWindow;
  const left = loadedBusy - perGeneration * run.loaded.result.completedInWindow;
  return (
    `Estimate: the baseline window’s main thread was busy ${tenthsUnder100Ms(perGeneration)} per generation; at that rate the ` +
    `loaded window’s ${run.loaded.result.completedInWindow} generations explain ` +
    `${Math.round((100 * perGeneration * run.loaded.result.completedInWindow) / loadedBusy)} % of its busy time, and the ` +
    `rest is about ${tenthsUnder100Ms(left / queries)} of main-thread time per SSE poll (${queries} event-log Queries, each with its ` +
    'loop turn and, after a write, the event sent).'
  );
}
