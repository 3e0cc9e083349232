/** From the metered operations to the cost model's tables: counts, durations, dollars. */
import type { BenchTable } from '../support/table.ts';
import { computeTable, dollarsTable } from './cost-tables.ts';
import {
  billedMs,
  type ComputeLine,
  costOf,
  figuresOf,
  gbSecondsOf,
  httpInvocation,
  idleFigures,
  scaled,
} from './figures.ts';
import type { Bench, IdleRun, ReportRun } from './operations.ts';
import { operations, reportType, type Settings } from './settings.ts';
import { countsTable } from './usage-tables.ts';

export function buildTables(
  bench: Bench,
  settings: Settings,
  runs: { instant: ReportRun; paced: ReportRun; idle: IdleRun },
): BenchTable[] {
  const concurrency = Number(process.env.REPORT_SECTION_CONCURRENCY);
  const sections = bench.stores.sectionPlans[reportType].length;
  const waves = Math.ceil(sections / concurrency);
  const reportModelMs = waves * settings.sectionModelSeconds * 1000;
  const icpModelMs = settings.icpModelSeconds * 1000;
  const sseTimeoutMs = Number(process.env.SSE_TIMEOUT_MS);
  const heartbeatMs = Number(process.env.SSE_HEARTBEAT_MS);

  const icpCold = figuresOf(bench, operations.icpCold);
  const icpMiss = figuresOf(bench, operations.icpMiss, settings.icpRuns);
  const icpHit = figuresOf(bench, operations.icpHit, settings.icpRuns);
  const reportInstant = figuresOf(bench, operations.reportInstant);
  const reportPaced = figuresOf(bench, operations.reportPaced);
  const idle = idleFigures(bench, runs.idle, { sseTimeoutMs, heartbeatMs });

  // Lambda durations: measured non-model time + assumed model time.
  const instantSse = httpInvocation(bench, operations.reportInstant, 'GET');
  const pacedSse = httpInvocation(bench, operations.reportPaced, 'GET');
  const line = (
    operation: string,
    functionName: ComputeLine['functionName'],
    measuredMs: number,
    assumedModelMs: number,
    note: string,
  ): ComputeLine => ({ operation, functionName, measuredMs, assumedModelMs, note });
  const computeLines = [
    line(
      'ICP miss',
      'httpApi',
      icpMiss.billedMs.httpApi,
      icpModelMs,
      `mean of ${settings.icpRuns}; the function streams the model's answer`,
    ),
    line('ICP hit', 'httpApi', icpHit.billedMs.httpApi, 0, `mean of ${settings.icpRuns}; no model call`),
    line(
      'Report: POST generate',
      'httpApi',
      billedMs(httpInvocation(bench, operations.reportInstant, 'POST')),
      0,
      '202 after the lock transaction, quota and SendMessage',
    ),
    line(
      'Report: worker',
      'reportWorker',
      reportInstant.billedMs.reportWorker,
      reportModelMs,
      `${sections} sections, ${concurrency} at a time: ${waves} waves × ${settings.sectionModelSeconds} s`,
    ),
    line(
      'Report: stream projector',
      'streamProjector',
      reportPaced.billedMs.streamProjector,
      0,
      `${reportPaced.invocations.streamProjector} invocations (paced run: partials included)`,
    ),
    line(
      'Report: SSE connection',
      'httpApi',
      billedMs(instantSse),
      reportModelMs,
      'open from the 202 until job.completed: it waits for the worker',
    ),
  ];
  const icpLines = (operation: string) => computeLines.filter((line) => line.operation === operation);
  const reportLines = computeLines.filter((line) => line.operation.startsWith('Report'));
  const sseHourLine = line(
    'SSE connection-hour',
    'httpApi',
    3_600_000,
    0,
    `the function runs for the whole connection; one invocation per ${sseTimeoutMs / 1000} s (SSE_TIMEOUT_MS)`,
  );

  const costs = {
    icpMiss: scaled(costOf(icpMiss, gbSecondsOf(icpLines('ICP miss'))), 1000),
    icpHit: scaled(costOf(icpHit, gbSecondsOf(icpLines('ICP hit'))), 1000),
    report: costOf(reportPaced, gbSecondsOf(reportLines)),
    sseHour: idle.hourCost(gbSecondsOf([sseHourLine])),
  };

  return [
    countsTable(settings, { icpCold, icpMiss, icpHit, reportInstant, reportPaced }, idle, runs),
    computeTable([...computeLines, sseHourLine], {
      pacedWorkerMs: reportPaced.billedMs.reportWorker,
      pacedSseMs: billedMs(pacedSse),
    }),
    dollarsTable(settings, costs, { icpCold, icpMiss }),
  ];
}
