/**
 * The functions' settings as environment variables, mapped from the stack configuration in this one place:
 * the CDK stack sets them on every function and the local stack (local/deployment-defaults.ts) sets the same
 * ones from cdk.json. The table name, queue URL and deployment mode depend on where the functions run and are
 * added by each.
 */
import type { Environment } from '../../functions/runtime/environment.ts';
import type { StackConfig } from '../config.ts';

export type ConfiguredSettings = Pick<
  StackConfig,
  | 'corsAllowedOrigins'
  | 'defaultMonthlyQuota'
  | 'defaultAiRequestsPerMinute'
  | 'maxBodyBytes'
  | 'icpCacheTtlSeconds'
  | 'models'
  | 'sse'
  | 'knowledgeBase'
  | 'reportSectionConcurrency'
> &
  Partial<Pick<StackConfig, 'promptCaching'>>;

type PlacedVariables = 'TABLE_NAME' | 'REPORT_QUEUE_URL' | 'DEPLOYMENT_MODE';

export function settingsEnvironment(
  config: ConfiguredSettings,
): Record<Exclude<keyof Environment, PlacedVariables>, string> {
  return {
    CORS_ALLOWED_ORIGINS: config.corsAllowedOrigins.join(','),
    DEFAULT_MONTHLY_QUOTA: String(config.defaultMonthlyQuota),
    DEFAULT_AI_REQUESTS_PER_MINUTE: String(config.defaultAiRequestsPerMinute),
    MAX_BODY_BYTES: String(config.maxBodyBytes),
    ICP_CACHE_TTL_SECONDS: String(config.icpCacheTtlSeconds),
    MODEL_IDS: JSON.stringify(config.models),
    SSE_HEARTBEAT_MS: String(config.sse.heartbeatMs),
    SSE_TIMEOUT_MS: String(config.sse.timeoutMs),
    SSE_POLL_MIN_MS: String(config.sse.pollMinMs),
    SSE_POLL_MAX_MS: String(config.sse.pollMaxMs),
    SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(config.sse.maxConnectionsPerOrganisation),
    KB_MAX_CHUNKS_PER_DOCUMENT: String(config.knowledgeBase.maxChunksPerDocument),
    KB_MAX_CHUNKS_PER_NAMESPACE: String(config.knowledgeBase.maxChunksPerNamespace),
    KB_CHUNKS_PER_QUOTA_UNIT: String(config.knowledgeBase.chunksPerQuotaUnit),
    REPORT_SECTION_CONCURRENCY: String(config.reportSectionConcurrency),
    // Unset (an older cdk.json) means the default, on.
    PROMPT_CACHING: config.promptCaching === false ? 'off' : 'on',
  };
}
