import type { Caller } from './authenticate.ts';
import type { ApiResponse } from './http-types.ts';
import { admitAiRequest } from './quota-gate.ts';
import { textStreamHeaders } from './text-stream-response.ts';

export type StartGeneration = (abortSignal: AbortSignal) => Promise<ReadableStream<Uint8Array>>;

/**
 * Admits the request (rate limit and one AI unit, one conditional update) and only then starts the
 * generation: a refused request (402, 429) never reaches the model or the embedding model, so it costs the
 * account no tokens and takes no shared Bedrock throughput. Whatever the generation needs first (knowledge
 * retrieval, the roster) runs inside `startGeneration`, after admission for the same reason.
 * When the generation fails before its first byte (503, bad model config) the unit is refunded: nothing was
 * delivered.
 */
export async function chargedStream(
  caller: Caller,
  startGeneration: StartGeneration,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  const charge = await admitAiRequest(caller.organisation);
  // Aborted when the generation fails before its first byte, so nothing it started (a retry, a sibling call) runs on.
  const abort = new AbortController();
  try {
    const body = await startGeneration(abort.signal);
    return { statusCode: 200, headers: { ...headers, ...charge.headers }, body };
  } catch (error) {
    abort.abort();
    await charge.refund();
    throw error;
  }
}

/** The AI SDK text stream protocol (`useObject`). */
export const chargedTextStream = (
  caller: Caller,
  startGeneration: StartGeneration,
  headers: Record<string, string> = {},
) => chargedStream(caller, startGeneration, { ...textStreamHeaders, ...headers });
