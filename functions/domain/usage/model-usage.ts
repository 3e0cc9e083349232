import * as z from 'zod';

/**
 * What model tokens are counted by: the work that called the model. Each value is also the `route` dimension of
 * the token metrics, so the usage item and the dashboard break tokens down the same way.
 */
export const usageRoutes = [
  'icp',
  'ipp',
  'partnerTypes',
  'partnerSuggestions',
  'chat',
  'reports',
  'embeddings',
] as const;
export type UsageRoute = (typeof usageRoutes)[number];

export const usageCountsSchema = z.object({
  inputTokens: z.number().int().min(0).describe('Input (prompt) tokens the model reported'),
  outputTokens: z.number().int().min(0).describe('Output tokens the model reported'),
  cacheReadTokens: z.number().int().min(0).describe('Input tokens read from the prompt cache, when reported'),
  cacheWriteTokens: z.number().int().min(0).describe('Input tokens written to the prompt cache, when reported'),
  modelCalls: z.number().int().min(0).describe('Model calls (or embedding requests) counted'),
});
export type UsageCounts = z.infer<typeof usageCountsSchema>;

export const usageCountFields = Object.keys(usageCountsSchema.shape) as (keyof UsageCounts)[];

export const organisationUsageSchema = usageCountsSchema
  .extend({
    period: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .describe('The UTC month counted, YYYY-MM'),
    byRoute: z
      .partialRecord(z.enum(usageRoutes), usageCountsSchema)
      .describe('The same counts per route; routes without model calls this month are absent'),
  })
  .describe("The organisation's model token usage this month, as the model reported it");
export type OrganisationUsage = z.infer<typeof organisationUsageSchema>;

export const noUsage = (): UsageCounts => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  modelCalls: 0,
});

/** The language-model usage fields the AI SDK reports; any of them may be missing for a provider. */
export interface ReportedLanguageModelUsage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  inputTokenDetails?: { cacheReadTokens?: number | undefined; cacheWriteTokens?: number | undefined } | undefined;
}

const count = (value: number | undefined) => (Number.isFinite(value) && (value ?? 0) > 0 ? Math.round(value ?? 0) : 0);

/** One model call's counts; tokens the provider did not report count as 0. */
export function usageOfModelCall(usage: ReportedLanguageModelUsage): UsageCounts {
  return {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    cacheReadTokens: count(usage.inputTokenDetails?.cacheReadTokens),
    cacheWriteTokens: count(usage.inputTokenDetails?.cacheWriteTokens),
    modelCalls: 1,
  };
}

/** An embedding request's counts: embedding models report input tokens only. */
export const usageOfEmbedding = (tokens: number | undefined): UsageCounts => ({
  ...noUsage(),
  inputTokens: count(tokens),
  modelCalls: 1,
});
