import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** One SSE connection to open: the report it follows is part of the URL and of every event's data. */
export interface SseLoadTarget {
  url: URL;
  reportId: string;
  headers: Record<string, string>;
}

/** One event as the worker keeps it; `receivedAt` is on the caller's performance.now() clock. */
export interface SseLoadEvent {
  eventId: string;
  event: string;
  sectionId?: string;
  receivedAt: number;
}

export interface SseLoadConnection {
  reportId: string;
  /** HTTP status of the response head (0 when none came). */
  status: number;
  /** Request sent → response head received. */
  openMs?: number;
  events: SseLoadEvent[];
  /** Set when the stream ended, failed or never opened before the benchmark closed it. */
  dropped?: { at: number; reason: string };
}

export interface SseOpenResult {
  /** Connections with a 200 head. */
  opened: number;
  /** Connections that got another status, failed to connect or ended while the others were opening. */
  failures: string[];
  /** First request sent → last head received. */
  elapsedMs: number;
}

export interface SseLoadClient {
  /** Opens every connection (at most `concurrency` waiting for their head at once); resolves once all heads are in. */
  open(targets: SseLoadTarget[], concurrency: number): Promise<SseOpenResult>;
  /**
   * Resolves once every open connection of each report has received the section event named for its report
   * (or the timeout passed) with how many connections were still missing one.
   */
  awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number): Promise<number>;
  /** Closes every connection from the client side and returns what each one received; `closedAt` on this clock. */
  closeAll(): Promise<{ closedAt: number; connections: SseLoadConnection[] }>;
  eventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization;
  heapUsed(): Promise<number>;
  terminate(): Promise<void>;
}

/** Messages to and from sse-load-worker.ts; times there are epoch milliseconds. */
export type SseLoadToWorker =
  | {
      type: 'open';
      requestId: number;
      targets: Array<{ url: string; reportId: string; headers: Record<string, string> }>;
      concurrency: number;
    }
  | { type: 'await'; requestId: number; lastSectionOfReport: Record<string, string>; timeoutMs: number }
  | { type: 'close'; requestId: number };

export type SseLoadToMain =
  | { type: 'opened'; requestId: number; result: SseOpenResult }
  | { type: 'awaited'; requestId: number; missing: number }
  | { type: 'closed'; requestId: number; closedAt: number; connections: SseLoadConnection[] };

/**
 * Holds hundreds of SSE connections on its own thread (same process, own event loop), like sse-client.ts, but
 * keeps what arrives on the worker and hands it over only at the end: one message per event would put the
 * client's bookkeeping on the servers' thread, which is the thread under load.
 */
export function startSseLoadClient(): SseLoadClient {
  const worker = new Worker(new URL('./sse-load-worker.ts', import.meta.url));
  const pending = new Map<number, { resolve: (reply: SseLoadToMain) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: SseLoadToMain) => {
    const waiter = pending.get(reply.requestId);
    pending.delete(reply.requestId);
    waiter?.resolve(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The SSE load worker exited with code ${code}`)));
  const ask = <Type extends SseLoadToMain['type']>(
    message: SseLoadToWorker,
  ): Promise<Extract<SseLoadToMain, { type: Type }>> =>
    new Promise((resolve, reject) => {
      pending.set(message.requestId, {
        resolve: (reply) => resolve(reply as Extract<SseLoadToMain, { type: Type }>),
        reject,
      });
      worker.postMessage(message);
    });
  const local = (epochMs: number) => epochMs - performance.timeOrigin;

  return {
    open: async (targets, concurrency) => {
      const reply = await ask<'opened'>({
        type: 'open',
        requestId: nextId++,
        targets: targets.map((target) => ({ ...target, url: target.url.href })),
        concurrency,
      });
      return reply.result;
    },
    awaitSections: async (lastSectionOfReport, timeoutMs) =>
      (await ask<'awaited'>({ type: 'await', requestId: nextId++, lastSectionOfReport, timeoutMs })).missing,
    closeAll: async () => {
      const reply = await ask<'closed'>({ type: 'close', requestId: nextId++ });
      return {
        closedAt: local(reply.closedAt),
        connections: reply.connections.map((connection) => ({
          ...connection,
          events: connection.events.map((event) => ({ ...event, receivedAt: local(event.receivedAt) })),
          ...(connection.dropped
            ? { dropped: { at: local(connection.dropped.at), reason: connection.dropped.reason } }
            : {}),
        })),
      };
    },
    eventLoopUtilization: (previous) => worker.performance.eventLoopUtilization(previous),
    heapUsed: async () => (await worker.getHeapStatistics()).used_heap_size,
    terminate: async () => {
      await worker.terminate();
    },
  };
}
