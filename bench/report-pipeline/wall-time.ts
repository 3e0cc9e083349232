/** Phase 2: L (one section's model call) and reports run end to end at a given section concurrency, tabled. */
import { randomUUID } from 'node:crypto';
import { summarisePartners } from '../../functions/domain/reports/report-context.ts';
import { type ReportType, sectionPlans } from '../../functions/domain/reports/report-types.ts';
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { keyOf, valuesOf } from '../support/dynamo-calls.ts';
import { verdict } from '../support/format.ts';
import { followReportToEnd, startReport } from '../support/report-stream.ts';
import { median } from '../support/stats.ts';
import { type BenchTable, figureColumns, type HeadlineRow, headline } from '../support/table.ts';
import type { Bench } from './pipeline-bench.ts';

/** Target: a report whose sections all run at once takes about one section's time. */
const wallOverLTarget = 1.3;

/** L: one section's model call, made by the worker's own generateSection with its writes left out. */
export async function measureModelLatency({ stores }: Bench): Promise<number[]> {
  // A report of an organisation with no partners, ICP, IPP or knowledge yet.
  const report = { reportType: 'quarterly-review', orgName: 'Bench', domain: 'bench.example', knowledge: '' };
  const context = { ...report, partners: summarisePartners([]), icp: undefined, ipp: undefined };
  const model = stores.languageModel('reports');
  const generation = { model, stop: new AbortController().signal, writeSection: async () => {} };
  const samples: number[] = [];
  for (const [position, plan] of sectionPlans['quarterly-review'].entries()) {
    const started = performance.now();
    await stores.generateSection({ organisationId: 'bench', reportId: 'bench', plan, position }, context, generation);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** POST generate → the worker's finishReport(completed) (wall) and → job.completed at an SSE client (sseWall). */
export async function runReport(bench: Bench, reportType: ReportType, concurrency: number) {
  bench.setEnvironment({ REPORT_SECTION_CONCURRENCY: concurrency });
  const { http, sse, stack } = bench;
  const { authorization } = bench.tenant;
  const sections = sectionPlans[reportType].length;
  // Unique: finds this run's model requests (the section prompt quotes orgName) and avoids the in-flight lock.
  const tag = randomUUID();
  const body = { orgName: `Bench ${tag}`, domain: 'bench.example', reportType, filterFingerprint: tag };
  const { reportId, sentAt } = await startReport(http, stack.baseUrl, authorization, body);
  // A generous upper bound for the sections, for the timeout only.
  const timeoutMs = 30_000 + 3 * sections * (bench.settings.sectionLatencyMs + 500 * bench.settings.perChunkMs);
  const { terminal } = await followReportToEnd(sse, stack.baseUrl, authorization, { reportId, sections, timeoutMs });
  // The worker's finishReport: the status update of the report item itself.
  const reportKey = itemKeys.report(reportId);
  const finished = bench.probe.calls.find(({ ok, command, input }) => {
    const { pk, sk } = keyOf(input);
    const completed = ok && command === 'UpdateItemCommand' && valuesOf(input)[':status'] === 'completed';
    return completed && pk === reportKey.pk && sk === reportKey.sk;
  });
  const modelRequests = bench.bedrock.requests.filter(({ body }) => JSON.stringify(body).includes(tag));
  if (!finished || modelRequests.length !== sections)
    throw new Error(`Report ${reportId}: incomplete trace (${modelRequests.length} model requests)`);
  return { reportType, sections, concurrency, wall: finished.end - sentAt, sseWall: terminal.receivedAt - sentAt };
}

export type ReportRun = Awaited<ReturnType<typeof runReport>>;

const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

export function wallTable({ settings, defaults }: Bench, latencies: number[], runs: ReportRun[]): BenchTable {
  const L = median(latencies);
  const overL = (value: number) => (value / L).toFixed(2);
  /** The Runs, Wall median, Wall range and Wall / L cells of a row. */
  const timing = (walls: number[]) => {
    const range = `${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))}`;
    return [String(walls.length), seconds(median(walls)), range, `${overL(median(walls))}×`];
  };
  const endpoint = `local endpoint: firstChunkMs ${settings.sectionLatencyMs}, perChunkMs ${settings.perChunkMs}`;
  const target = `≤ ${wallOverLTarget} × L`;
  const headlines: HeadlineRow[] = [];
  const runsOf = (type: ReportType, concurrency: number) =>
    runs.filter((run) => run.reportType === type && run.concurrency === concurrency);
  // One row per report type and concurrency: fewer sections first, then the higher concurrency.
  const configurations = new Map(runs.map((run) => [`${run.reportType}/${run.concurrency}`, run])).values();
  const ordered = [...configurations].sort((a, b) => a.sections - b.sections || b.concurrency - a.concurrency);
  const rows = ordered.map(({ reportType, sections, concurrency }) => {
    const group = runsOf(reportType, concurrency);
    const [walls, sseWall] = [group.map((run) => run.wall), median(group.map((run) => run.sseWall))];
    const wall = median(walls);
    const baseline = runsOf(reportType, 1).map((run) => run.wall);
    const sequential = concurrency === 1 || baseline.length === 0 ? undefined : median(baseline);
    const waves = Math.ceil(sections / concurrency);
    const pass = waves === 1 ? wall <= wallOverLTarget * L : undefined;
    const configuration = `${sections} sections, concurrency ${concurrency}`;
    const isDefault = concurrency === defaults.concurrency;
    const cells = [
      `${reportType}: ${configuration}${isDefault ? ' (cdk.json default)' : ''}`,
      ...timing(walls),
      ...(sequential === undefined ? ['—', '—'] : [seconds(sequential), `${(sequential / wall).toFixed(2)}×`]),
      `${seconds(sseWall)} (${overL(sseWall)}×)`,
    ];
    if (concurrency === 1) return [...cells, `baseline (≈ ${sections} × L)`];
    const figure = `Report wall time / L: ${reportType}, ${configuration}${isDefault ? ' (cdk.json)' : ''}`;
    const compared = `L ${seconds(L)}; sequential ${sequential === undefined ? '—' : seconds(sequential)}`;
    const waveTarget = pass === undefined ? `— (${waves} waves)` : target;
    headlines.push(headline(figure, `${overL(wall)} × L (${seconds(wall)})`, compared, waveTarget, pass));
    if (pass !== undefined) return [...cells, verdict(pass, target)];
    return [...cells, `— (${sections} sections > ${concurrency}: ${waves} waves, ≈ ${waves} × L)`];
  });
  return {
    title: `Report wall time vs sequential: model latency L per section, POST generate → report completed`,
    columns: [
      'Report',
      ...figureColumns('Runs', 'Wall median', 'Wall range', 'Wall / L', 'Sequential (c = 1)', 'Speed-up'),
      ...figureColumns('POST → job.completed on SSE (÷ L)'),
      'Target',
    ],
    rows: [
      ['L: one section’s model call (streamText, no writes)', ...timing(latencies), '—', '—', '—', endpoint],
      ...rows,
    ],
    headlines,
  };
}
