import * as z from 'zod';

/**
 * Every environment variable the functions read, in one schema. The CDK stack sets them from context and
 * the local stack sets them from embedded defaults, so both go through this contract.
 */
export const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  REPORT_QUEUE_URL: z.string().min(1),
  /** Comma-separated origins, or `*`. */
  CORS_ALLOWED_ORIGINS: z.string().default('*'),
  /** AI quota units per organisation per calendar month (UTC) unless the organisation has its own limit. */
  DEFAULT_MONTHLY_QUOTA: z.coerce.number().int().min(0).default(1000),
  /** AI requests per organisation per minute (429 `rate_limited` beyond) unless the organisation has its own limit. */
  DEFAULT_AI_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** How long a generated ICP is served from cache for the same organisation and company. */
  ICP_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  /** SSE progress stream: heartbeat comment interval, overall limit, and the adaptive poll bounds. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
  SSE_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  SSE_POLL_MIN_MS: z.coerce.number().int().positive().default(250),
  SSE_POLL_MAX_MS: z.coerce.number().int().positive().default(2_000),
  /** Open progress streams per organisation (429 `too_many_streams` beyond). */
  SSE_MAX_CONNECTIONS_PER_ORGANISATION: z.coerce.number().int().min(1).default(20),
  /** Knowledge-base bounds: chunks per document (413 beyond), per namespace (409 beyond), and the embedding price. */
  KB_MAX_CHUNKS_PER_DOCUMENT: z.coerce.number().int().min(1).default(300),
  KB_MAX_CHUNKS_PER_NAMESPACE: z.coerce.number().int().min(1).default(50_000),
  KB_CHUNKS_PER_QUOTA_UNIT: z.coerce.number().int().min(1).default(100),
  /** How many report sections the worker generates at once. */
  REPORT_SECTION_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** `off` sends no Bedrock cache points, so every prompt is billed in full (the benchmark's baseline). */
  PROMPT_CACHING: z.enum(['on', 'off']).default('on'),
  /** JSON object of model ids by purpose; see lib/config.ts for the keys. */
  MODEL_IDS: z.string().default('{}'),
  /** `local` marks the offline stack (local model endpoint, demo data); `aws` is a deployment. */
  DEPLOYMENT_MODE: z.enum(['aws', 'local']).default('aws'),
});

export type Environment = z.infer<typeof environmentSchema>;

let cached: Environment | undefined;

export function environment(): Environment {
  cached ??= environmentSchema.parse(process.env);
  return cached;
}

/** For tests and the local stack, which set variables after modules have loaded. */
export function resetEnvironmentCache(): void {
  cached = undefined;
}
