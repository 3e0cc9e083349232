import type { Caller } from './authenticate.ts';
import type { ApiResponse } from './http-types.ts';
import { chargeQuota, quotaHeaders } from './quota-gate.ts';
import { textStreamResponse } from './text-stream-response.ts';

/**
 * Charges one AI unit, starts the generation and answers with its text stream. When the generation
 * fails before its first byte (503, bad model config) the unit is refunded: nothing was delivered.
 */
export async function chargedTextStream(
  caller: Caller,
  startGeneration: () => Promise<ReadableStream<Uint8Array>>,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const charge = await chargeQuota(caller);
  try {
    const stream = await startGeneration();
    return textStreamResponse(stream, { ...headers, ...quotaHeaders(charge.status) });
  } catch (error) {
    await charge.refund();
    throw error;
  }
}
