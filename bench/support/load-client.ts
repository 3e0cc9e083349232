import { startClientThread } from './client-thread.ts';
import type { ClientHandlers } from './client-worker.ts';
import type { ResponseExpectation } from './response-checks.ts';

/**
 * What the closed loops send and how the responses are checked: the same JSON body for every request of `clients`
 * loops; or `POST /api/ai/icp`, one loop per headers entry (its tenant's API key), each request for a company never
 * asked for before (so the ICP cache never answers), checked as a miss that parses as an ICPResult.
 */
export type LoadWorkload =
  | { kind: 'fixed'; json: unknown; headers: Record<string, string>; clients: number; expect: ResponseExpectation }
  | { kind: 'icp'; clients: Array<Record<string, string>>; companyPrefix: string };

export interface LoadOptions {
  url: URL;
  /** Load before the measuring window opens (same loops, no gap), not counted. */
  warmUpMs: number;
  durationMs: number;
  workload: LoadWorkload;
}

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
