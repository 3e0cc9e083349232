/**
 * The SSE client of the benchmarks, on a client thread (client-thread.ts says why): raw node:http readers whose
 * events are timed when their chunk arrives and kept on that thread until the caller asks (a wait or a close), so
 * that holding hundreds of streams puts no bookkeeping on the thread under load.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SseEvent } from '../../functions/domain/reports/sse.ts';
import { callerNow, startClientThread } from './client-thread.ts';
import { createSseBlockReader } from './sse-parse.ts';

export interface ReceivedSseEvent extends SseEvent {
  /** The `sectionId` of the event's data, when it has one. */
  sectionId?: string;
  /** When the chunk that completed this event arrived, on the caller's performance.now() clock. */
  receivedAt: number;
}

/** What one stream received. */
export interface SseRecord {
  reportId?: string;
  /** HTTP status of the response head (0 when none came). */
  status: number;
  events: ReceivedSseEvent[];
  /** Set when the stream ended, failed or never opened before the caller closed it. */
  dropped?: { reason: string };
}

type SseTarget = { url: URL; headers: Record<string, string>; reportId?: string };

export function startSseClient() {
  const thread = startClientThread();
  const openStreams = (targets: SseTarget[], concurrency: number, keepData: boolean) =>
    thread.call(
      'open',
      targets.map(({ url, ...target }) => ({ ...target, href: url.href })),
      concurrency,
      keepData,
    );
  return {
    /** Opens one stream and resolves once its head is in; rejects unless it is a 200. */
    open: async (url: URL, headers: Record<string, string> = {}) => {
      const { ids, failures } = await openStreams([{ url, headers }], 1, true);
      const id = ids[0] as number;
      if (failures.length > 0) {
        await thread.call('close', [id]);
        throw new Error(`SSE ${url.pathname}: ${failures.join('; ')}`);
      }
      return {
        /** Every event so far, once one whose type starts with `prefix` has arrived; rejects on timeout or a drop. */
        waitFor: (prefix: string, timeoutMs: number) => thread.call('wait', id, prefix, timeoutMs),
        /** Ends the stream from the client side (the server notices and stops) and returns what it received. */
        close: async () => (await thread.call('close', [id]))[0]?.events ?? [],
      };
    },
    /** Opens many streams that keep no event data (a small heap for hundreds); resolves once all heads are in. */
    openMany: (targets: SseTarget[], concurrency: number) => openStreams(targets, concurrency, false),
    /** Waits until every open stream has its report's section named here; resolves with how many still lack it. */
    awaitSections: (lastSectionOfReport: Record<string, string>, timeoutMs: number) =>
      thread.call('await', lastSectionOfReport, timeoutMs),
    /** Closes every stream from the client side. */
    closeAll: async () => ({ connections: await thread.call('close') }),
    close: thread.close,
  };
}

export type SseClient = ReturnType<typeof startSseClient>;

// The rest runs on the client thread (client-worker.ts); on the caller's thread `streams` stays empty.

interface Stream {
  record: SseRecord;
  sectionIds: Set<string>;
  request?: http.ClientRequest;
  /** Closed by the caller: an end from now on is not a drop. */
  closing?: boolean;
  /** Set while a wait is pending; called after every chunk and on a drop. */
  changed?: () => void;
}

const streams: Stream[] = [];

// No keep-alive and no socket limit: each stream gets a socket of its own, as in a browser, never queued behind
// another (Node's global agent has no limit either, but fetch's undici pool and many client libraries do).
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** At most `concurrency` streams wait for their head at once. */
export async function openStreams(
  targets: Array<{ href: string; headers: Record<string, string>; reportId?: string }>,
  concurrency: number,
  keepData: boolean,
) {
  const started = performance.now();
  const queue = targets.map(({ href, headers, reportId }) => {
    const record: SseRecord = { status: 0, events: [], ...(reportId ? { reportId } : {}) };
    const id = streams.push({ record, sectionIds: new Set() }) - 1;
    return { id, open: () => openOne(streams[id] as Stream, href, headers, keepData) };
  });
  const ids = queue.map(({ id }) => id);
  const failures: string[] = [];
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const failure = await next.open();
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  let opened = 0;
  for (const { record } of ids.map((id) => streams[id] as Stream)) {
    if (record.status !== 200) continue;
    // A stream that dropped while the others were still opening counts as a failure to hold it.
    if (record.dropped) failures.push(`dropped while opening: ${record.dropped.reason}`);
    else opened++;
  }
  return { ids, opened, failures, elapsedMs: performance.now() - started };
}

/** Resolves once the head is in (undefined) or the request failed (a description). */
function openOne(stream: Stream, href: string, headers: Record<string, string>, keepData: boolean) {
  const { record } = stream;
  return new Promise<string | undefined>((settle) => {
    const drop = (reason: string) => {
      if (stream.closing || record.dropped) return;
      record.dropped = { reason };
      settle(reason);
      stream.changed?.();
    };
    stream.request = http.get(href, { agent, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      record.status = response.statusCode ?? 0;
      if (record.status !== 200) {
        drop(`HTTP ${record.status}`);
        response.resume();
        return;
      }
      settle(undefined);
      response.setEncoding('utf8');
      const eventsCompletedBy = createSseBlockReader();
      response.on('data', (chunk: string) => {
        const receivedAt = callerNow();
        for (const event of eventsCompletedBy(chunk)) {
          const received: ReceivedSseEvent = { ...event, data: keepData ? event.data : '', receivedAt };
          const sectionId = sectionIdOf(event.data);
          if (sectionId !== undefined) {
            received.sectionId = sectionId;
            stream.sectionIds.add(sectionId);
          }
          record.events.push(received);
        }
        stream.changed?.();
      });
      response.on('end', () => drop('the stream ended'));
      response.on('close', () => drop('the stream closed'));
      response.on('error', (error) => drop(String(error)));
    });
    stream.request.on('error', (error) => drop(String(error)));
  });
}

function sectionIdOf(data: string): string | undefined {
  try {
    const { sectionId } = JSON.parse(data) as { sectionId?: unknown };
    return typeof sectionId === 'string' ? sectionId : undefined;
  } catch {
    return undefined;
  }
}

export function waitForEvent(id: number, prefix: string, timeoutMs: number): Promise<ReceivedSseEvent[]> {
  const stream = streams[id] as Stream;
  const { record } = stream;
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      delete stream.changed;
      if (error) reject(error);
      else resolve(record.events);
    };
    const timer = setTimeout(() => finish(new Error(`SSE: no ${prefix} event within ${timeoutMs} ms`)), timeoutMs);
    stream.changed = () => {
      if (record.events.some((event) => event.event.startsWith(prefix))) finish();
      else if (record.dropped) finish(new Error(`SSE: ${record.dropped.reason} before a ${prefix} event`));
    };
    stream.changed();
  });
}

export async function awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  const lacking = ({ record, sectionIds }: Stream) => {
    const last = record.reportId === undefined ? undefined : lastSectionOfReport[record.reportId];
    return record.status === 200 && !record.dropped && last !== undefined && !sectionIds.has(last);
  };
  for (;;) {
    const missing = streams.filter(lacking).length;
    if (missing === 0 || performance.now() >= deadline) return missing;
    await sleep(25);
  }
}

/** Ends the given streams (every one when none is named) from the client side and returns what they received. */
export function closeStreams(ids?: number[]) {
  const closing = ids ? ids.map((id) => streams[id] as Stream) : streams;
  for (const stream of closing) {
    stream.closing = true;
    stream.request?.destroy();
  }
  return closing.map((stream) => stream.record);
}
