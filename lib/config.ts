import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';

/** CDK context key that holds the stack configuration (cdk.json, or `cdk synth -c partneros='{…}'`). */
export const configContextKey = 'partneros';

const modelId = z
  .string()
  .trim()
  .min(1)
  .describe('Bedrock model id, cross-region inference profile id (e.g. `global.…`, `eu.…`) or a full Bedrock ARN');

/**
 * Global inference profiles can be called from any commercial region, so the defaults deploy anywhere; a
 * geographic profile (`eu.…`) keeps requests in its geography. The embedding model is an in-region model.
 */
const sonnet = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
const haiku = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';

/** One model per purpose, so a deployment can trade cost against quality per endpoint. */
export const modelsSchema = z.object({
  icp: modelId.default(sonnet),
  ipp: modelId.default(sonnet),
  partnerTypes: modelId.default(sonnet),
  partnerSuggestions: modelId.default(sonnet),
  reports: modelId.default(sonnet),
  chat: modelId.default(haiku),
  embeddings: modelId.default('amazon.titan-embed-text-v2:0'),
});

export type ModelPurpose = keyof z.infer<typeof modelsSchema>;

// Numeric enum: Object.values also holds the member names, keep the numbers.
const retentionDayValues = Object.values(RetentionDays).filter((value) => typeof value === 'number');

function isRetentionDays(days: number): days is RetentionDays {
  return (retentionDayValues as number[]).includes(days);
}

export const stackConfigSchema = z
  .object({
    stackName: z.string().min(1).default('PartnerOsAi'),
    // prefault (not default) so a partial `models` object still gets the remaining defaults.
    models: modelsSchema.prefault({}),
    defaultMonthlyQuota: z.number().int().min(0).default(1000),
    /** AI requests (model calls) per organisation per minute unless the organisation has its own limit. */
    defaultAiRequestsPerMinute: z.number().int().min(1).default(120),
    corsAllowedOrigins: z.array(z.string().min(1)).min(1).default(['*']),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** How long a generated ICP is served from cache for the same organisation and company. */
    icpCacheTtlSeconds: z.number().int().min(0).default(3600),
    /** Server-Sent Events progress stream of reports. */
    sse: z
      .object({
        heartbeatMs: z.number().int().positive().default(15_000),
        timeoutMs: z.number().int().positive().default(300_000),
        pollMinMs: z.number().int().positive().default(250),
        pollMaxMs: z.number().int().positive().default(2_000),
        /** Open progress streams per organisation; one more is refused with 429 `too_many_streams`. */
        maxConnectionsPerOrganisation: z.number().int().min(1).max(1000).default(20),
      })
      .prefault({}),
    /** Bounds on what one upload can cost and how large a namespace (and so every retrieval in it) can grow. */
    knowledgeBase: z
      .object({
        /** A document that still chunks into more than this is refused with 413 `payload_too_large`. */
        maxChunksPerDocument: z.number().int().min(1).max(10_000).default(300),
        /** An upload that would take a namespace beyond this is refused with 409 `namespace_full`. */
        maxChunksPerNamespace: z.number().int().min(1).max(1_000_000).default(50_000),
        /** Embedding price: one AI quota unit per started block of this many chunks. */
        chunksPerQuotaUnit: z.number().int().min(1).default(100),
      })
      .prefault({}),
    /** Bedrock prompt caching of shared prompt prefixes (report context, Nelson's instructions and history). */
    promptCaching: z.boolean().default(true),
    /** Report sections generated at once by the worker. */
    reportSectionConcurrency: z.number().int().min(1).max(16).default(4),
    /**
     * Report worker instances the queue's event source may run at once (Lambda's `maxConcurrency`, 2 to 1000):
     * reports beyond it wait in the queue instead of taking the account's concurrency.
     */
    reportWorkerMaxConcurrency: z.number().int().min(2).max(1000).default(10),
    /** Reserved concurrency per function; unset leaves the function on the account's unreserved pool. */
    reservedConcurrency: z
      .object({
        httpApi: z.number().int().min(1).optional(),
        reportWorker: z.number().int().min(1).optional(),
        streamProjector: z.number().int().min(1).optional(),
      })
      .prefault({}),
    logRetentionDays: z
      .number()
      .refine(isRetentionDays, { error: `must be a CloudWatch Logs retention: ${retentionDayValues.join(', ')}` })
      .default(RetentionDays.ONE_MONTH),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /** Off only for throwaway stacks: the table holds every organisation's data. */
    tableDeletionProtection: z.boolean().default(true),
    alarmEmail: z.email().optional(),
  })
  .refine(
    ({ reservedConcurrency, reportWorkerMaxConcurrency }) =>
      reservedConcurrency.reportWorker === undefined || reservedConcurrency.reportWorker >= reportWorkerMaxConcurrency,
    {
      // Otherwise the event source starts more workers than may run, and each refused one is throttled.
      error: 'reservedConcurrency.reportWorker must be at least reportWorkerMaxConcurrency',
      path: ['reservedConcurrency', 'reportWorker'],
    },
  );

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type StackConfigInput = z.input<typeof stackConfigSchema>;

/**
 * Reads and validates the `partneros` context. `-c` on the command line passes strings, so a JSON string
 * is accepted as well as an object from cdk.json.
 */
export function stackConfigFromContext(node: Node): StackConfig {
  const raw: unknown = node.tryGetContext(configContextKey);
  const invalid = (detail: string) => new Error(`Invalid CDK context "${configContextKey}":\n${detail}`);
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw invalid(`not valid JSON (${(error as Error).message})`);
    }
  }
  const result = stackConfigSchema.safeParse(value ?? {});
  if (!result.success) throw invalid(z.prettifyError(result.error));
  return result.data;
}
