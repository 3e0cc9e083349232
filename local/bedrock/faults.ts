/**
 * Test hooks that make the next requests fail the ways Bedrock fails in production: throttled or unavailable
 * before any byte (an HTTP error the AI SDK may retry), or broken after the stream has started (an exception
 * event or a dropped connection, which must surface as an in-stream error, never a silent truncation).
 */
import type { StreamExceptionType } from './event-stream.ts';

export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke';

export type FaultKind =
  /** HTTP 429 ThrottlingException. */
  | 'throttle'
  /** HTTP 503 ServiceUnavailableException. */
  | 'unavailable'
  /** HTTP 500 InternalServerException. */
  | 'internal'
  /** HTTP 400 ValidationException (not retryable). */
  | 'validation'
  /** ConverseStream only: an exception event after `afterChunks` content deltas. */
  | 'mid-stream'
  /** ConverseStream only: the connection is destroyed after `afterChunks` content deltas. */
  | 'disconnect';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Which operations the fault applies to; default all for HTTP kinds, converse-stream for stream kinds. */
  operations?: BedrockOperation[];
  /** Stream kinds: content deltas delivered before the failure (default 2). */
  afterChunks?: number;
  /** `mid-stream`: the exception event type (default modelStreamErrorException). */
  exception?: StreamExceptionType;
  /** HTTP kinds: adds `retry-after-ms`. Real Bedrock sends no retry header, so leave unset to test real backoff. */
  retryAfterMs?: number;
  message?: string;
}

export type ActiveFault = Required<Pick<FaultSpec, 'kind' | 'afterChunks'>> &
  Pick<FaultSpec, 'exception' | 'retryAfterMs' | 'message'>;

const STREAM_KINDS: ReadonlySet<FaultKind> = new Set(['mid-stream', 'disconnect']);

export class FaultQueue {
  private readonly pending: Array<FaultSpec & { remaining: number }> = [];

  add(spec: FaultSpec): void {
    this.pending.push({ ...spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The first queued fault that applies to this operation, consuming one of its uses. */
  take(operation: BedrockOperation): ActiveFault | undefined {
    const index = this.pending.findIndex((fault) => applies(fault, operation));
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return {
      kind: fault.kind,
      afterChunks: fault.afterChunks ?? 2,
      exception: fault.exception,
      retryAfterMs: fault.retryAfterMs,
      message: fault.message,
    };
  }
}

function applies(fault: FaultSpec, operation: BedrockOperation): boolean {
  if (fault.operations) return fault.operations.includes(operation);
  return STREAM_KINDS.has(fault.kind) ? operation === 'converse-stream' : true;
}

export function isStreamFault(fault: ActiveFault | undefined): boolean {
  return fault !== undefined && STREAM_KINDS.has(fault.kind);
}
