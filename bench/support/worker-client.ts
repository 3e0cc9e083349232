import type { TimedResponse } from './http-timing.ts';
import { convertRequestTimes, fromEpochMs } from './thread-clock.ts';
import { startWorkerRpc } from './worker-rpc.ts';

/** A POST for load-client-worker.ts, which answers with its TimedResponse, times as epoch milliseconds. */
export interface ClientRequest {
  url: string;
  json: unknown;
  headers?: Record<string, string>;
}

export interface WorkerClient {
  /** Times a POST from the worker thread; the timestamps are on this thread's performance.now() clock. */
  post(url: URL, json: unknown, headers?: Record<string, string>): Promise<TimedResponse>;
  close(): Promise<void>;
}

/**
 * An HTTP client on its own thread (same process, own event loop). A client on the servers' thread only reads
 * the first chunk once the server code yields, which with an instant model is after the whole stream has been
 * processed: it would report roughly the total time as TTFB.
 */
export function startWorkerClient(): WorkerClient {
  const rpc = startWorkerRpc<ClientRequest, TimedResponse>(
    new URL('./load-client-worker.ts', import.meta.url),
    'HTTP client worker',
  );
  return {
    post: async (url, json, headers) => {
      const response = await rpc.call({ url: url.href, json, ...(headers ? { headers } : {}) });
      return convertRequestTimes(response, fromEpochMs);
    },
    close: async () => {
      await rpc.worker.terminate();
    },
  };
}
