/** Phase 2, tabled: report wall time against L and the sequential baseline. */
import type { ReportType } from '../../functions/domain/reports/report-types.ts';
import { verdict } from '../support/format.ts';
import { median } from '../support/stats.ts';
import { type BenchTable, figureColumns, type HeadlineRow, headline } from '../support/table.ts';
import { groupRuns, type ModelLatency, type ReportRun, wallOf } from './report-runs.ts';
import { type Settings, wallOverLTarget } from './settings.ts';

export function wallTable(
  settings: Settings,
  latency: ModelLatency,
  runs: ReportRun[],
  defaultConcurrency: number,
): BenchTable {
  const L = median(latency.samples);
  const sequential = (reportType: ReportType) =>
    runs.filter((run) => run.reportType === reportType && run.concurrency === 1).map(wallOf);
  const headlines: HeadlineRow[] = [];
  const rows = groupRuns(runs).map((group) => {
    const first = group[0] as ReportRun;
    const walls = group.map(wallOf);
    const wall = median(walls);
    const sseWall = median(group.map((run) => run.sseCompletedAt - run.sentAt));
    const baseline = sequential(first.reportType);
    const isBaseline = first.concurrency === 1;
    const waves = Math.ceil(first.sections / first.concurrency);
    const target = isBaseline
      ? `baseline (≈ ${first.sections} × L)`
      : waves === 1
        ? verdict(wall <= wallOverLTarget * L, `≤ ${wallOverLTarget} × L`)
        : `— (${first.sections} sections > ${first.concurrency}: ${waves} waves, ≈ ${waves} × L)`;
    if (!isBaseline) {
      headlines.push(
        headline(
          `Report wall time / L: ${first.reportType}, ${first.sections} sections, concurrency ${first.concurrency}` +
            (first.concurrency === defaultConcurrency ? ' (cdk.json)' : ''),
          `${(wall / L).toFixed(2)} × L (${seconds(wall)})`,
          `L ${seconds(L)}; sequential ${baseline.length > 0 ? seconds(median(baseline)) : '—'}`,
          waves === 1 ? `≤ ${wallOverLTarget} × L` : `— (${waves} waves)`,
          waves === 1 ? wall <= wallOverLTarget * L : undefined,
        ),
      );
    }
    return [
      `${first.reportType}: ${first.sections} sections, concurrency ${first.concurrency}` +
        (first.concurrency === defaultConcurrency ? ' (cdk.json default)' : ''),
      String(group.length),
      seconds(wall),
      `${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))}`,
      `${(wall / L).toFixed(2)}×`,
      isBaseline || baseline.length === 0 ? '—' : seconds(median(baseline)),
      isBaseline || baseline.length === 0 ? '—' : `${(median(baseline) / wall).toFixed(2)}×`,
      `${seconds(sseWall)} (${(sseWall / L).toFixed(2)}×)`,
      target,
    ];
  });
  return {
    title: `Report wall time vs sequential: model latency L per section, POST generate → report completed`,
    columns: [
      'Report',
      ...figureColumns(
        'Runs',
        'Wall median',
        'Wall range',
        'Wall / L',
        'Sequential (c = 1)',
        'Speed-up',
        'POST → job.completed on SSE (÷ L)',
      ),
      'Target',
    ],
    rows: [
      [
        'L: one section’s model call (streamText, no writes)',
        String(latency.samples.length),
        seconds(L),
        `${seconds(Math.min(...latency.samples))}–${seconds(Math.max(...latency.samples))}`,
        '1.00×',
        '—',
        '—',
        '—',
        `local endpoint: firstChunkMs ${settings.sectionLatencyMs}, perChunkMs ${settings.perChunkMs}`,
      ],
      ...rows,
    ],
    headlines,
  };
}

function seconds(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}
