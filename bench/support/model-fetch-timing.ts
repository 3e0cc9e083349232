/**
 * When a request's model call starts and its first chunk arrives, from a globalThis.fetch wrapper (the Bedrock
 * provider resolves fetch per call). Requests must run one at a time: the wrapper writes into the last timing.
 */
export function timeModelFetch(endpoint: string) {
  const original = globalThis.fetch;
  type Timing = { startedAt?: number; firstChunkAt?: number };
  let current: Timing = {};
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(endpoint)) return original(input, init);
    const timing = current;
    timing.startedAt = performance.now();
    const response = await original(input, init);
    if (!response.body) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          timing.firstChunkAt ??= performance.now();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    /** Runs `request` with its model call timed. */
    async time<Result>(request: () => Promise<Result>) {
      current = {};
      const timing = current;
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
