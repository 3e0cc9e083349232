/**
 * Counting what a model call used, once it has finished: never on the way to the first byte, and never at the cost
 * of the answer (a failed count is logged and dropped).
 */
import { quotaPeriod, quotaPeriodExpiry } from '../domain/access/quota.ts';
import { metricNames } from '../domain/observability/metric-definitions.ts';
import {
  type ReportedLanguageModelUsage,
  type UsageCounts,
  type UsageRoute,
  usageOfModelCall,
} from '../domain/usage/model-usage.ts';
import { logger } from '../runtime/logger.ts';
import { count, publishMetrics } from '../runtime/metrics.ts';
import { safeErrorSummary } from '../runtime/safe-error.ts';
import { addUsage } from '../stores/usage-store.ts';

/** Adds the counts to the organisation's month and publishes them as token metrics by route. Never throws. */
export async function recordUsage(organisationId: string, route: UsageRoute, counts: UsageCounts): Promise<void> {
  publishMetrics(
    [{ route }],
    {
      [metricNames.inputTokens]: count(counts.inputTokens),
      [metricNames.outputTokens]: count(counts.outputTokens),
      [metricNames.cacheReadTokens]: count(counts.cacheReadTokens),
      [metricNames.cacheWriteTokens]: count(counts.cacheWriteTokens),
    },
    { organisationId },
  );
  const now = new Date();
  try {
    await addUsage({ organisationId, period: quotaPeriod(now), route, counts, expiresAt: quotaPeriodExpiry(now) });
  } catch (error) {
    logger.warn('Could not record model usage', { error: safeErrorSummary(error), route });
  }
}

/** The same for a language-model call, from the AI SDK's usage (a promise that may reject when the call failed). */
export async function recordModelUsage(
  organisationId: string,
  route: UsageRoute,
  usage: PromiseLike<ReportedLanguageModelUsage>,
): Promise<void> {
  let reported: ReportedLanguageModelUsage;
  try {
    reported = await usage;
  } catch (error) {
    logger.warn('The model reported no usage', { error: safeErrorSummary(error), route });
    return;
  }
  await recordUsage(organisationId, route, usageOfModelCall(reported));
}

/** A usage recorder for one organisation and route, for code that only knows when its call has finished. */
export const usageRecorder =
  (organisationId: string, route: UsageRoute) =>
  (usage: PromiseLike<ReportedLanguageModelUsage>): Promise<void> =>
    recordModelUsage(organisationId, route, usage);
