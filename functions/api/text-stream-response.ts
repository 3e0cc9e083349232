import type { ApiResponse } from './http-types.ts';

/** Headers of the AI SDK text stream protocol, which `useObject` reads. */
export const textStreamHeaders = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
};

export function textStreamResponse(
  body: ReadableStream<Uint8Array> | string,
  headers: Record<string, string> = {},
): ApiResponse {
  return { statusCode: 200, headers: { ...textStreamHeaders, ...headers }, body };
}
