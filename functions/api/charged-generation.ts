import type { Caller } from './authenticate.ts';
import type { ApiResponse } from './http-types.ts';
import { chargeQuota, quotaHeaders } from './quota-gate.ts';
import { textStreamHeaders } from './text-stream-response.ts';

/**
 * Charges one AI unit, starts the generation and answers with its stream. When the generation fails
 * before its first byte (503, bad model config) the unit is refunded: nothing was delivered.
 */
export async function chargedStream(
  caller: Caller,
  startGeneration: () => Promise<ReadableStream<Uint8Array>>,
  headers: Record<string, string>,
): Promise<ApiResponse> {
  const charge = await chargeQuota(caller);
  try {
    const body = await startGeneration();
    return { statusCode: 200, headers: { ...headers, ...quotaHeaders(charge.status) }, body };
  } catch (error) {
    await charge.refund();
    throw error;
  }
}

/** The AI SDK text stream protocol (`useObject`). */
export const chargedTextStream = (
  caller: Caller,
  startGeneration: () => Promise<ReadableStream<Uint8Array>>,
  headers: Record<string, string> = {},
) => chargedStream(caller, startGeneration, { ...textStreamHeaders, ...headers });
