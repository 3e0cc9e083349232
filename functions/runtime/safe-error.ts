/**
 * What may be logged of an error. Errors around model calls carry tenant content: the AI SDK's APICallError
 * holds the whole request body (prompts, knowledge excerpts, partner rosters, chat history) in
 * `requestBodyValues`, and the messages of its validation and parsing errors quote the model's output. Logs are
 * read by operators of every tenant, so only facts about the failure leave: its name, status, whether it is
 * retryable, a message only where the error kind cannot quote content, and the stack frames (never the
 * stack's first line, which repeats the message).
 */
export type SafeErrorSummary = {
  name: string;
  message?: string;
  statusCode?: number;
  isRetryable?: boolean;
  /** RetryError: why retrying stopped, and the last attempt's error. */
  reason?: string;
  lastError?: SafeErrorSummary;
  cause?: SafeErrorSummary;
  stack?: string;
};

/**
 * Error kinds whose message is written by the provider, AWS or the runtime about the failure itself, never from
 * the prompt or the model's output. Every other kind (AI SDK validation, parsing, tool input errors, anything
 * unknown) is logged without its message.
 */
const messageIsSafe = (name: string) =>
  name === 'AI_APICallError' ||
  name === 'AI_NoOutputGeneratedError' ||
  name === 'AbortError' ||
  name === 'TimeoutError' ||
  name === 'ReportJobOutOfTime' ||
  name.endsWith('Exception') || // AWS SDK service errors, e.g. ThrottlingException, ConditionalCheckFailedException
  // Not SyntaxError: JSON.parse quotes the text it failed on.
  ['Error', 'TypeError', 'RangeError', 'ReferenceError'].includes(name);

const maxMessageChars = 300;
const maxDepth = 3;

export function safeErrorSummary(error: unknown, depth = 0): SafeErrorSummary {
  if (!(error instanceof Error)) return { name: typeof error };
  const { statusCode, isRetryable, reason, lastError } = error as {
    statusCode?: unknown;
    isRetryable?: unknown;
    reason?: unknown;
    lastError?: unknown;
  };
  const summary: SafeErrorSummary = { name: error.name };
  // A plain `Error` can be anything a library threw; only its first line, bounded, is kept.
  if (messageIsSafe(error.name)) summary.message = error.message.split('\n')[0]?.slice(0, maxMessageChars);
  if (typeof statusCode === 'number') summary.statusCode = statusCode;
  if (typeof isRetryable === 'boolean') summary.isRetryable = isRetryable;
  if (typeof reason === 'string') summary.reason = reason;
  if (depth < maxDepth && lastError !== undefined) summary.lastError = safeErrorSummary(lastError, depth + 1);
  if (depth < maxDepth && error.cause !== undefined) summary.cause = safeErrorSummary(error.cause, depth + 1);
  const frames = stackFrames(error.stack);
  if (frames) summary.stack = frames;
  return summary;
}

/** The `at …` lines of a stack: where it failed, without the message the first line repeats. */
function stackFrames(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12);
  return frames.length > 0 ? frames.join('\n') : undefined;
}
