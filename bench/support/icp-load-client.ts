import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load-client.ts';

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

export interface IcpLoadClient {
  /** Runs one closed-loop phase; resolves once every client has finished its last request. */
  run(options: IcpLoadOptions): Promise<LoadResult>;
  eventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization;
  heapUsed(): Promise<number>;
  close(): Promise<void>;
}

/** Messages to and from icp-load-worker.ts; times there are epoch milliseconds. */
export interface IcpLoadRequest {
  id: number;
  url: string;
  clients: Array<Record<string, string>>;
  companyPrefix: string;
  warmUpMs: number;
  durationMs: number;
}

export type IcpLoadReply = { id: number; ok: true; result: LoadResult } | { id: number; ok: false; error: string };

/**
 * Closed-loop `POST /api/ai/icp` clients on their own thread (like load-client.ts), each on its own keep-alive
 * socket, each request for a new company (so the ICP cache never answers), every response checked on the
 * worker: HTTP 200, `x-cache: miss`, and a body that parses as an ICPResult.
 */
export function startIcpLoadClient(): IcpLoadClient {
  const worker = new Worker(new URL('./icp-load-worker.ts', import.meta.url));
  const pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const local = (epochMs: number) => epochMs - performance.timeOrigin;
  worker.on('message', (reply: IcpLoadReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (!reply.ok) {
      waiter.reject(new Error(reply.error));
      return;
    }
    const { result } = reply;
    waiter.resolve({
      ...result,
      windowStart: local(result.windowStart),
      windowEnd: local(result.windowEnd),
      drainedAt: local(result.drainedAt),
      samples: result.samples.map((sample) => ({
        ...sample,
        sentAt: local(sample.sentAt),
        firstByteAt: local(sample.firstByteAt),
        endAt: local(sample.endAt),
      })),
    });
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The ICP load worker exited with code ${code}`)));
  return {
    run: (options) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: IcpLoadRequest = {
          id,
          url: options.url.href,
          clients: options.clients,
          companyPrefix: options.companyPrefix,
          warmUpMs: options.warmUpMs,
          durationMs: options.durationMs,
        };
        worker.postMessage(request);
      }),
    eventLoopUtilization: (previous) => worker.performance.eventLoopUtilization(previous),
    heapUsed: async () => (await worker.getHeapStatistics()).used_heap_size,
    close: async () => {
      await worker.terminate();
    },
  };
}
