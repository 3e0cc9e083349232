import type { LanguageModel } from 'ai';
import { minimumCacheTokens, promptCachingEnabled } from '../ai/prompt-cache.ts';
import { formatKnowledgeForPrompt, retrieveKnowledge } from '../ai/retrieve-knowledge.ts';
import { estimateTokens } from '../domain/chat/token-budget.ts';
import { metricNames, reportRoute } from '../domain/observability/metric-definitions.ts';
import { type ReportContext, sharedReportContext, summarisePartners } from '../domain/reports/report-context.ts';
import type { ReportJobMessage } from '../domain/reports/report-job.ts';
import { sectionPlans } from '../domain/reports/report-types.ts';
import { isoNow } from '../runtime/clock.ts';
import { forEachAfterFirstIsReady, forEachWithConcurrency } from '../runtime/concurrency.ts';
import { environment } from '../runtime/environment.ts';
import { logger } from '../runtime/logger.ts';
import { count, milliseconds, publishMetrics } from '../runtime/metrics.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { listAllPartners } from '../stores/partner-store.ts';
import { finishReport, getReport, listReportSections, type Report, releaseReportLock } from '../stores/report-store.ts';
import { getStrategy } from '../stores/strategy-store.ts';
import { failReport } from './fail-report.ts';
import { generateSection } from './generate-section.ts';
import { isLastDelivery } from './report-deadline.ts';

async function loadContext(report: Report): Promise<ReportContext> {
  const { organisationId } = report;
  const [partners, icp, ipp] = await Promise.all([
    listAllPartners(organisationId, report.filters),
    getStrategy(organisationId, 'icp'),
    getStrategy(organisationId, 'ipp'),
  ]);
  const knowledge = await retrieveKnowledge(
    organisationId,
    'default',
    `${report.reportType} partner ecosystem strategy`,
  );
  return {
    reportType: report.reportType,
    orgName: report.orgName,
    domain: report.domain,
    partners: summarisePartners(partners),
    icp: icp?.result,
    ipp: ipp?.result,
    knowledge: formatKnowledgeForPrompt(knowledge),
  };
}

/** Generates the sections not yet completed, so a redelivered job finishes the report without redoing work. */
async function generateMissingSections(report: Report, model: LanguageModel, stop: AbortSignal): Promise<void> {
  const completed = new Set(
    (await listReportSections(report.reportId))
      .filter((section) => section.status === 'completed')
      .map((section) => section.sectionId),
  );
  const plans = sectionPlans[report.reportType];
  const missing = plans
    .map((plan, position) => ({ plan, position }))
    .filter(({ plan }) => !completed.has(plan.sectionId));
  if (missing.length === 0) return;
  const context = await loadContext(report);
  const promptCaching = promptCachingEnabled();
  const generate = async ({ plan, position }: (typeof missing)[number], onFirstOutputOrFailure?: () => void) => {
    stop.throwIfAborted();
    try {
      await generateSection(
        { organisationId: report.organisationId, reportId: report.reportId, plan, position },
        context,
        { model, stop, onFirstOutputOrFailure, promptCaching },
      );
    } catch (error) {
      publishMetrics([{ route: reportRoute }], { [metricNames.sectionFailures]: count() }, reportProperties(report));
      throw error;
    }
  };
  const concurrency = environment().REPORT_SECTION_CONCURRENCY;
  // Sections that start together would all miss the cache and each write the shared context. The first section
  // runs alone until its first output, by when Bedrock has processed (and cached) its prompt; the others then read.
  // A first attempt that fails (throttled) releases them at once rather than after the SDK's back-off. A context
  // under the model's cache minimum is not cached, so there is nothing to wait for.
  if (promptCaching && contextIsCached(context, model)) await forEachAfterFirstIsReady(missing, concurrency, generate);
  else await forEachWithConcurrency(missing, concurrency, (section) => generate(section));
}

/** Whether Bedrock caches the report's shared context for this model (estimated at four characters a token). */
function contextIsCached(context: ReportContext, model: LanguageModel): boolean {
  const minimum = minimumCacheTokens(typeof model === 'string' ? model : model.modelId);
  return minimum !== undefined && estimateTokens(sharedReportContext(context)) >= minimum;
}

const reportProperties = (report: Report) => ({
  organisationId: report.organisationId,
  reportId: report.reportId,
  reportType: report.reportType,
});

/**
 * The reason the organisation sees on a failed report: the error's kind and, where it cannot quote the prompt or
 * the model's output, its message (for a retried call, the last attempt's).
 */
function describeFailure(error: unknown): string {
  const summary = safeErrorSummary(error);
  const message = summary.message ?? summary.lastError?.message;
  return (message ? `${summary.name}: ${message}` : summary.name).slice(0, 500);
}

/**
 * The worker stops generating this long before its Lambda time limit: a delivery that Lambda killed at the limit
 * could not record why, and on the final delivery the report would stay "running" until a reader settled it.
 */
export const reportJobSafetyMarginMs = 20_000;

export class ReportJobOutOfTime extends Error {
  constructor() {
    super("The report did not finish within the report worker's time limit.");
    this.name = 'ReportJobOutOfTime';
  }
}

export interface ReportJobRun {
  /** The model that writes the sections. */
  model: LanguageModel;
  /** Epoch ms at which the delivery stops generating; no limit when absent. */
  stopAt?: number;
}

/**
 * One delivery of a report job. Failures are rethrown so SQS redelivers; on the last delivery the report
 * is marked failed with the reason first (clients get job.failed, the organisation gets its unit back) and the
 * message then moves to the DLQ.
 * At `stopAt` (epoch ms) the model calls are cancelled and the delivery fails as out of time, completed
 * sections kept.
 */
export async function runReportJob(
  job: ReportJobMessage,
  receiveCount: number,
  { model, stopAt = Number.POSITIVE_INFINITY }: ReportJobRun,
): Promise<void> {
  const report = await getReport(job.reportId);
  if (!report || report.organisationId !== job.organisationId || report.jobId !== job.jobId) {
    logger.warn('Dropping a job that matches no report', { ...job });
    return;
  }
  if (report.status !== 'running') return;
  const outOfTime = new AbortController();
  const timer = Number.isFinite(stopAt)
    ? setTimeout(() => outOfTime.abort(new ReportJobOutOfTime()), Math.max(0, stopAt - Date.now()))
    : undefined;
  try {
    await generateMissingSections(report, model, outOfTime.signal);
    // Lock first: a client that sees the report finished (job.completed) and asks again must start a new job,
    // not join the finished one. The reverse order left a window in which it joined.
    await releaseReportLock(report);
    await finishReport(report.reportId, 'completed', isoNow());
    // From the request that started the report to its completion: queue wait and earlier deliveries included.
    publishMetrics(
      [{ route: reportRoute }],
      { [metricNames.reportDuration]: milliseconds(Date.now() - Date.parse(report.createdAt)) },
      reportProperties(report),
    );
  } catch (error) {
    // Cancelled model calls fail in their own words; the reason worth recording is the time limit.
    const reason = outOfTime.signal.aborted ? outOfTime.signal.reason : error;
    if (isLastDelivery(receiveCount)) await failReport(report, describeFailure(reason));
    throw reason;
  } finally {
    clearTimeout(timer);
  }
}
