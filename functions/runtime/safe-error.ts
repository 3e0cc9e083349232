/**
 * What of an error may go to the logs. The AI SDK's API errors carry the request they failed on
 * (`requestBodyValues`: the prompt, i.e. tenant content) and the provider's response body as enumerable
 * properties, and the logger would print every one of them; only these fields are kept.
 */
export function safeErrorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'NonError', message: typeof error };
  const { statusCode, isRetryable } = error as { statusCode?: unknown; isRetryable?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    ...(typeof isRetryable === 'boolean' ? { isRetryable } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}
