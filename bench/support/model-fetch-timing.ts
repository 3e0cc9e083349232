/**
 * Times the model calls of requests run one at a time, from a globalThis.fetch wrapper (the Bedrock provider resolves
 * fetch per call): when the call starts and when its first chunk arrives.
 */
export function timeModelFetch(endpoint: string) {
  const original = globalThis.fetch;
  let current: { startedAt?: number; firstChunkAt?: number } = {};
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    if (!(input instanceof Request ? input.url : String(input)).startsWith(endpoint)) return original(input, init);
    const timing = current;
    timing.startedAt = performance.now();
    const response = await original(input, init);
    const firstChunk = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        timing.firstChunkAt ??= performance.now();
        controller.enqueue(chunk);
      },
    });
    return response.body ? new Response(response.body.pipeThrough(firstChunk), response) : response;
  };
  return {
    async time<Result>(request: () => Promise<Result>) {
      const timing: typeof current = {};
      current = timing;
      const result = await request();
      const { startedAt, firstChunkAt } = timing;
      if (startedAt === undefined || firstChunkAt === undefined) throw new Error('A timed request made no model call');
      return { ...result, modelStartedAt: startedAt, modelFirstChunkAt: firstChunkAt };
    },
    uninstall: () => {
      globalThis.fetch = original;
    },
  };
}
