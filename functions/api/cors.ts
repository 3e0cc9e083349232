/**
 * CORS is answered by the function, not by the Function URL's CORS setting, so the local server and AWS
 * behave the same. API keys travel in the Authorization header, never in cookies, so credentials are
 * never allowed.
 */
const allowedMethods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const allowedHeaders = 'authorization, content-type, idempotency-key, last-event-id, x-request-id';
const exposedHeaders =
  'x-request-id, retry-after, x-quota-remaining, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, x-vercel-ai-ui-message-stream, idempotent-replayed';

export function parseAllowedOrigins(setting: string): string[] {
  return setting
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

export function corsHeaders(requestOrigin: string | undefined, allowedOrigins: string[]): Record<string, string> {
  if (!requestOrigin) return {};
  const allowsAny = allowedOrigins.includes('*');
  if (!allowsAny && !allowedOrigins.includes(requestOrigin)) return {};
  return {
    'access-control-allow-origin': allowsAny ? '*' : requestOrigin,
    'access-control-expose-headers': exposedHeaders,
    ...(allowsAny ? {} : { vary: 'Origin' }),
  };
}

export function preflightHeaders(requestOrigin: string | undefined, allowedOrigins: string[]): Record<string, string> {
  const base = corsHeaders(requestOrigin, allowedOrigins);
  if (!base['access-control-allow-origin']) return {};
  return {
    ...base,
    'access-control-allow-methods': allowedMethods,
    'access-control-allow-headers': allowedHeaders,
    'access-control-max-age': '600',
  };
}
