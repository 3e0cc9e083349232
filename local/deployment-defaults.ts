import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../functions/runtime/environment.ts';
import { repositoryRoot } from './aws-local.ts';

/**
 * The function settings a `cdk deploy` with the checked-in cdk.json would give, read from that same
 * context, so the local stack runs with the deployed model ids, quota and limits.
 */
export function deploymentDefaults(): Partial<Record<keyof Environment, string>> {
  const cdkJson = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')) as {
    context: { partneros: Record<string, unknown> };
  };
  const settings = cdkJson.context.partneros;
  return {
    MODEL_IDS: JSON.stringify(settings.models),
    DEFAULT_MONTHLY_QUOTA: String(settings.defaultMonthlyQuota),
    DEFAULT_AI_REQUESTS_PER_MINUTE: String(settings.defaultAiRequestsPerMinute),
    CORS_ALLOWED_ORIGINS: (settings.corsAllowedOrigins as string[]).join(','),
    MAX_BODY_BYTES: String(settings.maxBodyBytes),
    ICP_CACHE_TTL_SECONDS: String(settings.icpCacheTtlSeconds),
    ...sseSettings(settings.sse as Record<string, number>),
    ...knowledgeBaseSettings(settings.knowledgeBase as Record<string, number>),
    REPORT_SECTION_CONCURRENCY: String(settings.reportSectionConcurrency),
    // Unset in cdk.json means the stack's default, on.
    PROMPT_CACHING: settings.promptCaching === false ? 'off' : 'on',
  };
}

function sseSettings(sse: Record<string, number>) {
  return {
    SSE_HEARTBEAT_MS: String(sse.heartbeatMs),
    SSE_TIMEOUT_MS: String(sse.timeoutMs),
    SSE_POLL_MIN_MS: String(sse.pollMinMs),
    SSE_POLL_MAX_MS: String(sse.pollMaxMs),
    SSE_MAX_CONNECTIONS_PER_ORGANISATION: String(sse.maxConnectionsPerOrganisation),
  };
}

function knowledgeBaseSettings(knowledgeBase: Record<string, number>) {
  return {
    KB_MAX_CHUNKS_PER_DOCUMENT: String(knowledgeBase.maxChunksPerDocument),
    KB_MAX_CHUNKS_PER_NAMESPACE: String(knowledgeBase.maxChunksPerNamespace),
    KB_CHUNKS_PER_QUOTA_UNIT: String(knowledgeBase.chunksPerQuotaUnit),
  };
}
