import { Worker } from 'node:worker_threads';
import type { TimedResponse } from './http-timing.ts';

export interface ClientRequest {
  id: number;
  url: string;
  json: unknown;
  headers?: Record<string, string>;
}

export type ClientReply = { id: number; ok: true; response: TimedResponse } | { id: number; ok: false; error: string };

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
  // The worker inherits this process's execArgv, so the same TypeScript loader (tsx) runs it.
  const worker = new Worker(new URL('./http-client-worker.ts', import.meta.url));
  const pending = new Map<number, { resolve: (response: TimedResponse) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: ClientReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (!reply.ok) {
      waiter.reject(new Error(reply.error));
      return;
    }
    const local = (epochMs: number) => epochMs - performance.timeOrigin;
    waiter.resolve({
      ...reply.response,
      sentAt: local(reply.response.sentAt),
      firstByteAt: local(reply.response.firstByteAt),
      endAt: local(reply.response.endAt),
    });
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The HTTP client worker exited with code ${code}`)));
  return {
    post: (url, json, headers) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: ClientRequest = { id, url: url.href, json, ...(headers ? { headers } : {}) };
        worker.postMessage(request);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
