/**
 * The one SSE client of the benchmarks: raw node:http readers on their own thread (same process, own event loop),
 * like worker-client.ts, because on the servers' thread an event would be timed only when the server code next
 * yields. Events are timed on the worker when their chunk arrives and kept there: they cross threads only when the
 * caller asks (a wait or a close), so holding hundreds of streams puts no bookkeeping on the thread under load.
 */
import type { SseEvent } from './sse-parse.ts';
import { fromEpochMs } from './thread-clock.ts';
import { startWorkerRpc } from './worker-rpc.ts';

export interface ReceivedSseEvent extends SseEvent {
  /** The `sectionId` of the event's data, when it has one. */
  sectionId?: string;
  /** When the chunk that completed this event reached the client, on the caller's performance.now() clock. */
  receivedAt: number;
}

export interface SseTarget {
  url: URL;
  headers: Record<string, string>;
  /** The report the stream follows, for awaitSections. */
  reportId?: string;
}

/** What one stream received; times on the caller's clock. */
export interface SseRecord {
  reportId?: string;
  /** HTTP status of the response head (0 when none came). */
  status: number;
  events: ReceivedSseEvent[];
  /** Set when the stream ended, failed or never opened before the client closed it. */
  dropped?: { at: number; reason: string };
}

export interface SseOpenResult {
  /** Connection ids, in the order of the targets. */
  ids: number[];
  /** Connections with a 200 head. */
  opened: number;
  /** Connections that got another status, failed to connect or ended while the others were opening. */
  failures: string[];
  /** First request sent → last head received. */
  elapsedMs: number;
}

/** One stream opened with `open`. */
export interface SseConnection {
  /** Resolves with every event so far once one whose type starts with `prefix` has arrived; rejects on timeout or end. */
  waitFor(prefix: string, timeoutMs: number): Promise<ReceivedSseEvent[]>;
  /** Ends the stream from the client side (the server notices and stops its loop); resolves with what it received. */
  close(): Promise<ReceivedSseEvent[]>;
}

export interface SseClient {
  /** Opens one stream and resolves once its head is in; rejects unless it is a 200. */
  open(url: URL, headers?: Record<string, string>): Promise<SseConnection>;
  /**
   * Opens many streams, at most `concurrency` waiting for their head at once; resolves once all heads are in. Only
   * each event's id, type, sectionId and time are kept, so that hundreds of streams keep the worker's heap small.
   */
  openMany(targets: SseTarget[], concurrency: number): Promise<SseOpenResult>;
  /**
   * Resolves once every open stream of each report has received the section named for its report (or the timeout
   * passed) with how many streams were still missing it.
   */
  awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number): Promise<number>;
  /** Closes every stream from the client side and returns what each received; `closedAt` on the caller's clock. */
  closeAll(): Promise<{ closedAt: number; connections: SseRecord[] }>;
  close(): Promise<void>;
}

/** What sse-client-worker.ts is asked to do; SseResults says what it answers to each. Targets carry URLs as text. */
export type SseRequest =
  | {
      type: 'open';
      targets: Array<{ url: string; headers: Record<string, string>; reportId?: string }>;
      concurrency: number;
      keepData: boolean;
    }
  | { type: 'wait'; id: number; prefix: string; timeoutMs: number }
  | { type: 'await'; lastSectionOfReport: Record<string, string>; timeoutMs: number }
  | { type: 'close'; ids?: number[] };

/** The worker's answer to each request type; times are epoch milliseconds. */
export interface SseResults {
  open: SseOpenResult;
  wait: ReceivedSseEvent[];
  /** Streams still missing their report's last section. */
  await: number;
  close: { closedAt: number; connections: SseRecord[] };
}

export function startSseClient(): SseClient {
  const rpc = startWorkerRpc<SseRequest, SseResults[keyof SseResults]>(
    new URL('./sse-client-worker.ts', import.meta.url),
    'SSE client worker',
  );
  const { worker } = rpc;
  // The worker answers each request type with its own result type, which the generic reply type cannot express.
  const ask = <Request extends SseRequest>(request: Request) =>
    rpc.call(request) as Promise<SseResults[Request['type']]>;
  const onThisClock = (events: ReceivedSseEvent[]) =>
    events.map((event) => ({ ...event, receivedAt: fromEpochMs(event.receivedAt) }));
  const closeStreams = async (ids?: number[]) => {
    const { closedAt, connections } = await ask({ type: 'close', ...(ids ? { ids } : {}) });
    return {
      closedAt: fromEpochMs(closedAt),
      connections: connections.map((record) => ({
        ...record,
        events: onThisClock(record.events),
        ...(record.dropped ? { dropped: { ...record.dropped, at: fromEpochMs(record.dropped.at) } } : {}),
      })),
    };
  };
  const openStreams = (targets: SseTarget[], concurrency: number, keepData: boolean) =>
    ask({
      type: 'open',
      targets: targets.map((target) => ({ ...target, url: target.url.href })),
      concurrency,
      keepData,
    });

  return {
    open: async (url, headers = {}) => {
      const { ids, failures } = await openStreams([{ url, headers }], 1, true);
      const id = ids[0] as number;
      if (failures.length > 0) {
        await closeStreams([id]);
        throw new Error(`SSE ${url.pathname}: ${failures.join('; ')}`);
      }
      return {
        waitFor: async (prefix, timeoutMs) => onThisClock(await ask({ type: 'wait', id, prefix, timeoutMs })),
        close: async () => (await closeStreams([id])).connections[0]?.events ?? [],
      };
    },
    openMany: (targets, concurrency) => openStreams(targets, concurrency, false),
    awaitSections: (lastSectionOfReport, timeoutMs) => ask({ type: 'await', lastSectionOfReport, timeoutMs }),
    closeAll: () => closeStreams(),
    close: async () => {
      await worker.terminate();
    },
  };
}
