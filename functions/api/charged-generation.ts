import type { Caller } from './authenticate.ts';
import type { ApiResponse } from './http-types.ts';
import { admitAiRequest, type QuotaCharge } from './quota-gate.ts';
import { textStreamHeaders } from './text-stream-response.ts';

export type StartGeneration = (abortSignal: AbortSignal) => Promise<ReadableStream<Uint8Array>>;

/**
 * Admits the request (rate limit and one AI unit) and starts the generation at the same time, so those writes
 * are off the path to the first byte; nothing is sent until both are done. Without quota (402) or over the
 * rate limit (429) the model call is aborted at once. When the generation fails before its first byte (503, bad model config) the unit is refunded:
 * nothing was delivered. The charge itself stays one atomic conditional update, so admission stays exact.
 */
export async function chargedStream(
  caller: Caller,
  startGeneration: StartGeneration,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  const abort = new AbortController();
  const generation = startGeneration(abort.signal);
  // The generation can fail (a fast model error) while the charge is still being written. It is awaited below,
  // but a rejection that has no handler yet is an unhandled rejection, which ends the Node process (and the
  // Lambda execution environment, Runtime.UnhandledPromiseRejection). Marking it handled keeps the rejection
  // for the awaits below.
  generation.catch(() => undefined);
  let charge: QuotaCharge;
  try {
    charge = await admitAiRequest(caller);
  } catch (error) {
    abort.abort();
    generation.then((stream) => stream.cancel()).catch(() => undefined);
    throw error;
  }
  try {
    const body = await generation;
    return { statusCode: 200, headers: { ...headers, ...charge.headers }, body };
  } catch (error) {
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
