import { startClientThread } from './client-thread.ts';
import type { ClientHandlers, LoadPhase } from './client-worker.ts';

export type LoadOptions = LoadPhase & { url: URL };

/** Closed-loop load from a client thread (client-thread.ts says why). */
export function startLoadClient() {
  const thread = startClientThread();
  return {
    /** Runs one load phase; resolves once every loop has finished its last request. */
    run: ({ url, ...options }: LoadOptions) => thread.call('runLoad', url.href, options),
    close: thread.close,
  };
}

export type LoadClient = ReturnType<typeof startLoadClient>;
export type LoadResult = Awaited<ReturnType<ClientHandlers['runLoad']>>;
