import type { ResponseExpectation } from './response-checks.ts';
import { convertRequestTimes, fromEpochMs } from './thread-clock.ts';
import { startWorkerRpc } from './worker-rpc.ts';

/**
 * What the worker's closed-loop clients send and how it checks the responses: the same JSON body for every
 * request of `clients` loops; or `POST /api/ai/icp`, one loop per headers entry (its tenant's API key), each request
 * for a company never asked for before (so the ICP cache never answers), checked as a miss that parses as an ICPResult.
 */
export type LoadWorkload =
  | { kind: 'fixed'; json: unknown; headers: Record<string, string>; clients: number; expect: ResponseExpectation }
  | { kind: 'icp'; clients: Array<Record<string, string>>; companyPrefix: string };

export interface LoadOptions {
  url: URL;
  /** Load before the measuring window opens (same loops, no gap), not counted. */
  warmUpMs: number;
  durationMs: number;
  /** Each client a loop of sequential requests on its own keep-alive socket. */
  workload: LoadWorkload;
}

/** A load phase for load-client-worker.ts, which answers with its LoadResult, times as epoch milliseconds. */
export type LoadRequest = Omit<LoadOptions, 'url'> & { url: string };

/** One valid response sent inside the window; times on the caller's performance.now() clock. */
export interface LoadSample {
  sentAt: number;
  firstByteAt: number;
  endAt: number;
  bytes: number;
}

export interface LoadResult {
  /** The measuring window (after the warm-up); clients stop starting requests at its end. */
  windowStart: number;
  windowEnd: number;
  /** When the last in-flight request ended. */
  drainedAt: number;
  /** Valid responses sent inside the window (the latency samples). */
  samples: LoadSample[];
  /** Responses received in the whole run, warm-up and drain included (valid or not). */
  completed: number;
  /** Valid responses that ended inside the window (the throughput count). */
  completedInWindow: number;
  /** Invalid responses and failed requests in the whole run, and the first few reasons. */
  failed: number;
  failures: string[];
}

export interface LoadClient {
  /** Runs one closed-loop load phase; resolves once every client has finished its last request. */
  run(options: LoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
}

/**
 * A closed-loop load generator on its own thread (same process, own event loop), like worker-client.ts: a
 * client on the servers' thread would only read a response once the server code yields.
 */
export function startLoadClient(): LoadClient {
  const url = new URL('./load-client-worker.ts', import.meta.url);
  const rpc = startWorkerRpc<LoadRequest, LoadResult>(url, 'load client worker');
  return {
    run: async (options) => {
      const result = await rpc.call({ ...options, url: options.url.href });
      return {
        ...result,
        windowStart: fromEpochMs(result.windowStart),
        windowEnd: fromEpochMs(result.windowEnd),
        drainedAt: fromEpochMs(result.drainedAt),
        samples: result.samples.map((sample) => convertRequestTimes(sample, fromEpochMs)),
      };
    },
    close: async () => {
      await rpc.worker.terminate();
    },
  };
}
