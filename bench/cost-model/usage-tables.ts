/** What each operation used: Lambda invocations, DynamoDB calls and units, SQS requests, bytes streamed. */
import { type BenchTable, figureColumns } from '../support/table.ts';
import type { Figures, IdleFigures } from './figures.ts';
import { bytes, count, ms, units } from './format.ts';
import type { ReportRun } from './operations.ts';
import { operations, reportType, type Settings } from './settings.ts';

export function countsTable(
  settings: Settings,
  figures: Record<'icpCold' | 'icpMiss' | 'icpHit' | 'reportInstant' | 'reportPaced', Figures>,
  idle: IdleFigures,
  runs: { instant: ReportRun; paced: ReportRun },
): BenchTable {
  const row = (label: string, f: Figures, time: string) => [
    label,
    `${count(f.invocations.httpApi)} / ${count(f.invocations.reportWorker)} / ${count(f.invocations.streamProjector)}`,
    count(f.projectedRecords),
    `${count(f.reads)} / ${count(f.writes)}`,
    units(f.rru),
    units(f.wru),
    `${count(f.sqs.send)} / ${count(f.sqs.receive)} / ${count(f.sqs.delete)}`,
    bytes(f.streamedBytes),
    time,
  ];
  const httpTime = (f: Figures, model = '') => `HTTP ${ms(f.billedMs.httpApi)}${model}`;
  return {
    title: 'Cost model: measured counts per operation (local stack, DynamoDB Local, SQS stand-in)',
    columns: [
      'Operation',
      ...figureColumns(
        'Lambda invocations (HTTP / worker / projector)',
        'Stream records projected',
        'DynamoDB calls (reads / writes)',
        'RRU',
        'WRU',
        'SQS requests (send / receive / delete)',
        'Bytes streamed',
      ),
      'Measured handler time',
    ],
    rows: [
      row(operations.icpCold, figures.icpCold, httpTime(figures.icpCold, ' (instant model)')),
      row(
        `${operations.icpMiss}, mean of ${settings.icpRuns}`,
        figures.icpMiss,
        httpTime(figures.icpMiss, ' (instant model)'),
      ),
      row(`${operations.icpHit}, mean of ${settings.icpRuns}`, figures.icpHit, httpTime(figures.icpHit)),
      ...(['instant', 'paced'] as const).map((pace) => {
        const f = pace === 'instant' ? figures.reportInstant : figures.reportPaced;
        const model =
          pace === 'instant' ? 'instant model' : `each section streamed over ${settings.sectionModelSeconds} s`;
        const time = `worker ${ms(f.billedMs.reportWorker)}, projector ${ms(f.billedMs.streamProjector)}, HTTP ${ms(f.billedMs.httpApi)}`;
        return row(`${reportType} report (${runs[pace].events} SSE events), ${model}`, f, time);
      }),
      [
        `${operations.sseIdle}, per minute (steady state)`,
        `${count(60_000 / Number(process.env.SSE_TIMEOUT_MS))} / 0 / 0`,
        '0',
        `${count(idle.perMinute.queries + idle.perMinute.gets)} / 0`,
        units(idle.perMinute.rru),
        '0',
        '0 / 0 / 0',
        bytes(idle.perMinute.bytes),
        'the connection’s whole life',
      ],
    ],
    notes: [
      `Idle SSE: counted for ${idle.windowMs / 1000} s; connecting cost ${idle.connect.reads} reads ` +
        `(${units(idle.connect.rru)} RRU: API key, organisation, report); the window had ${idle.window.queries} ` +
        `event-log Queries and ${idle.window.gets} status GetItems (${units(idle.window.rru)} RRU) and ` +
        `${bytes(idle.bytes)} bytes.`,
    ],
  };
}
