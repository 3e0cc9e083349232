import type { EventLoopUtilization } from 'node:perf_hooks';
import { fromEpochMs } from './thread-clock.ts';
import { startWorkerRpc } from './worker-rpc.ts';

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

/** What sse-load-worker.ts is asked to do; SseLoadResults says what it answers to each. */
export type SseLoadRequest =
  | {
      type: 'open';
      targets: Array<{ url: string; reportId: string; headers: Record<string, string> }>;
      concurrency: number;
    }
  | { type: 'await'; lastSectionOfReport: Record<string, string>; timeoutMs: number }
  | { type: 'close' };

/** The worker's answer to each request type; times are epoch milliseconds. */
export interface SseLoadResults {
  open: SseOpenResult;
  /** Connections still missing their report's last section. */
  await: number;
  close: { closedAt: number; connections: SseLoadConnection[] };
}

export type SseLoadResult = SseLoadResults[keyof SseLoadResults];

/**
 * Holds hundreds of SSE connections on its own thread (same process, own event loop), like sse-client.ts, but
 * keeps what arrives on the worker and hands it over only at the end: one message per event would put the
 * client's bookkeeping on the servers' thread, which is the thread under load.
 */
export function startSseLoadClient(): SseLoadClient {
  const rpc = startWorkerRpc<SseLoadRequest, SseLoadResult>(
    new URL('./sse-load-worker.ts', import.meta.url),
    'SSE load worker',
  );
  const { worker } = rpc;
  // The worker answers each request type with its own result type, which the generic reply type cannot express.
  const ask = <Request extends SseLoadRequest>(request: Request) =>
    rpc.call(request) as Promise<SseLoadResults[Request['type']]>;

  return {
    open: (targets, concurrency) =>
      ask({
        type: 'open',
        targets: targets.map((target) => ({ ...target, url: target.url.href })),
        concurrency,
      }),
    awaitSections: (lastSectionOfReport, timeoutMs) => ask({ type: 'await', lastSectionOfReport, timeoutMs }),
    closeAll: async () => {
      const { closedAt, connections } = await ask({ type: 'close' });
      return {
        closedAt: fromEpochMs(closedAt),
        connections: connections.map((connection) => ({
          ...connection,
          events: connection.events.map((event) => ({ ...event, receivedAt: fromEpochMs(event.receivedAt) })),
          ...(connection.dropped
            ? { dropped: { at: fromEpochMs(connection.dropped.at), reason: connection.dropped.reason } }
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
