import type { ResponseExpectation } from './response-checks.ts';
import { convertRequestTimes, fromEpochMs } from './thread-clock.ts';
import { startWorkerRpc } from './worker-rpc.ts';

export interface LoadOptions {
  url: URL;
  /** The same JSON body for every request. */
  json: unknown;
  headers?: Record<string, string>;
  /** Concurrent clients: each one a loop of sequential requests on its own keep-alive socket. */
  clients: number;
  /** Load before the measuring window opens (same loops, no gap), not counted. */
  warmUpMs: number;
  durationMs: number;
  expect: ResponseExpectation;
}

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

/** The ICP variant: one client per headers entry, each request for a company never asked for before. */
export interface IcpLoadOptions {
  url: URL;
  /** One entry per concurrent client: that client's headers (its tenant's API key). */
  clients: Array<Record<string, string>>;
  /** Prefix of the generated company names; every request asks for a company never asked for before. */
  companyPrefix: string;
  /** Load before the measuring window opens (same loops, no gap), not counted. */
  warmUpMs: number;
  durationMs: number;
}

/** What the worker's clients send and how it checks the responses. */
export type LoadWorkload =
  | { kind: 'fixed'; json: unknown; headers: Record<string, string>; clients: number; expect: ResponseExpectation }
  | { kind: 'icp'; clients: Array<Record<string, string>>; companyPrefix: string };

/** A load phase for load-client-worker.ts, which answers with its LoadResult, times as epoch milliseconds. */
export interface LoadRequest {
  url: string;
  warmUpMs: number;
  durationMs: number;
  workload: LoadWorkload;
}

export interface ClosedLoopClient<Options> {
  /** Runs one closed-loop load phase; resolves once every client has finished its last request. */
  run(options: Options): Promise<LoadResult>;
  close(): Promise<void>;
}

export type LoadClient = ClosedLoopClient<LoadOptions>;
export type IcpLoadClient = ClosedLoopClient<IcpLoadOptions>;

/**
 * A closed-loop load generator on its own thread (same process, own event loop), like worker-client.ts: a
 * client on the servers' thread would only read a response once the server code yields.
 */
export function startLoadClient(): LoadClient {
  return startClosedLoopClient('load client worker', (options) => ({
    kind: 'fixed',
    json: options.json,
    headers: options.headers ?? {},
    clients: options.clients,
    expect: options.expect,
  }));
}

/**
 * Closed-loop `POST /api/ai/icp` clients on their own thread (like startLoadClient), each on its own keep-alive
 * socket, each request for a new company (so the ICP cache never answers), every response checked on the
 * worker: HTTP 200, `x-cache: miss`, and a body that parses as an ICPResult.
 */
export function startIcpLoadClient(): IcpLoadClient {
  return startClosedLoopClient('ICP load worker', (options) => ({
    kind: 'icp',
    clients: options.clients,
    companyPrefix: options.companyPrefix,
  }));
}

function startClosedLoopClient<Options extends { url: URL; warmUpMs: number; durationMs: number }>(
  name: string,
  workloadOf: (options: Options) => LoadWorkload,
): ClosedLoopClient<Options> {
  const rpc = startWorkerRpc<LoadRequest, LoadResult>(new URL('./load-client-worker.ts', import.meta.url), name);
  const { worker } = rpc;
  return {
    run: async (options) => {
      const result = await rpc.call({
        url: options.url.href,
        warmUpMs: options.warmUpMs,
        durationMs: options.durationMs,
        workload: workloadOf(options),
      });
      return {
        ...result,
        windowStart: fromEpochMs(result.windowStart),
        windowEnd: fromEpochMs(result.windowEnd),
        drainedAt: fromEpochMs(result.drainedAt),
        samples: result.samples.map((sample) => convertRequestTimes(sample, fromEpochMs)),
      };
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
