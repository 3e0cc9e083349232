/** Phase 2, measured: L (one section's model call) and reports run end to end at a given section concurrency. */
import { randomUUID } from 'node:crypto';
import type { ReportType } from '../../functions/domain/reports/report-types.ts';
import type { DynamoCall } from '../support/dynamo-calls.ts';
import { keyOf, valuesOf } from '../support/dynamo-calls.ts';
import { followReportToEnd, startReport } from '../support/report-stream.ts';
import { type Bench, reportPartition, setEnvironment } from './pipeline-bench.ts';

export interface ModelLatency {
  samples: number[];
}

/** L: one section's model call, made by the worker's own generateSection with its writes left out. */
export async function measureModelLatency(bench: Bench): Promise<ModelLatency> {
  const { generateSection, languageModel, summarisePartners } = bench.stores;
  const context = {
    reportType: 'quarterly-review',
    orgName: 'Bench',
    domain: 'bench.example',
    partners: summarisePartners([]),
    icp: undefined,
    ipp: undefined,
    knowledge: '',
  } as const;
  const generation = {
    model: languageModel('reports'),
    stop: new AbortController().signal,
    writeSection: async () => {},
  };
  const samples: number[] = [];
  for (const [position, plan] of bench.stores.sectionPlans['quarterly-review'].entries()) {
    const started = performance.now();
    await generateSection({ organisationId: 'bench', reportId: 'bench', plan, position }, context, generation);
    samples.push(performance.now() - started);
  }
  return { samples };
}

export interface ReportRun {
  reportType: ReportType;
  sections: number;
  concurrency: number;
  sentAt: number;
  completedAt: number;
  sseCompletedAt: number;
}

export async function runReport(bench: Bench, reportType: ReportType, concurrency: number): Promise<ReportRun> {
  setEnvironment(bench, { REPORT_SECTION_CONCURRENCY: concurrency });
  const sections = bench.stores.sectionPlans[reportType].length;
  // Unique: finds this run's model requests (the section prompt quotes orgName) and avoids the in-flight lock.
  const tag = randomUUID();
  const report = await startReport(bench.http, bench.stack.baseUrl, bench.authorization, {
    orgName: `Bench ${tag}`,
    domain: 'bench.example',
    reportType,
    filterFingerprint: tag,
  });
  const { reportId } = report;
  const { terminal } = await followReportToEnd(bench.sse, bench.stack.baseUrl, bench.authorization, {
    reportId,
    sections,
    timeoutMs: 30_000 + 3 * sections * bench.sectionTimeoutMs,
  });

  const finished = bench.probe.calls.find(
    (call: DynamoCall) =>
      call.ok &&
      call.command === 'UpdateItemCommand' &&
      keyOf(call.input).pk === reportPartition(reportId) &&
      valuesOf(call.input)[':status'] === 'completed',
  );
  const modelRequests = (bench.stack.localBedrock?.requests ?? []).filter((request) =>
    JSON.stringify(request.body).includes(tag),
  );
  if (!finished || modelRequests.length !== sections) {
    throw new Error(`Report ${reportId}: incomplete trace (${modelRequests.length} model requests)`);
  }
  return {
    reportType,
    sections,
    concurrency,
    sentAt: report.sentAt,
    completedAt: finished.end,
    sseCompletedAt: terminal.receivedAt,
  };
}

export const wallOf = (run: ReportRun) => run.completedAt - run.sentAt;

export function groupRuns(runs: ReportRun[]): ReportRun[][] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const key = `${run.reportType}/${run.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].sort((a, b) => {
    const [first, second] = [a[0] as ReportRun, b[0] as ReportRun];
    return first.sections - second.sections || second.concurrency - first.concurrency;
  });
}
