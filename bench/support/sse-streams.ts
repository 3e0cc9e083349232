// The streams of an SSE client (sse-client.ts) on its client thread: raw node:http GETs whose events are timed as their
// chunk arrives and kept here until the caller asks, so that hundreds of streams put no work on the thread under load.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SseEvent } from '../../functions/domain/reports/sse.ts';
import { callerNow } from './caller-clock.ts';

export interface ReceivedSseEvent extends SseEvent {
  sectionId?: string;
  /** When the chunk that completed this event arrived. */
  receivedAt: number;
}

export interface SseRecord {
  reportId?: string;
  /** Of the response head; 0 when none came. */
  status: number;
  events: ReceivedSseEvent[];
  /** Set when the stream ended, failed or never opened before the caller closed it. */
  dropped?: { reason: string };
}

export type SseTarget = { url: URL; headers: Record<string, string>; reportId?: string };

interface Stream extends SseRecord {
  sectionIds: Set<string>;
  request?: http.ClientRequest;
  /** Closed by the caller: an end from now on is not a drop. */
  closing?: boolean;
  /** Set while a wait is pending; called after every chunk and on a drop. */
  changed?: () => void;
}

const streams: Stream[] = [];

// No keep-alive and no socket limit (unlike fetch's pool): a socket per stream, never queued behind another stream.
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

type TargetOnThread = Omit<SseTarget, 'url'> & { url: string };

/** At most `concurrency` streams wait for their head at once. */
export async function openStreams(targets: TargetOnThread[], concurrency: number, keepData: boolean) {
  const started = performance.now();
  const firstId = streams.length;
  const queue = targets.map(({ reportId, ...request }) => {
    const stream: Stream = { reportId, status: 0, events: [], sectionIds: new Set() };
    streams.push(stream);
    return () => openOne(stream, request, keepData);
  });
  const failures: string[] = [];
  const lane = async () => {
    for (let open = queue.shift(); open; open = queue.shift()) {
      const failure = await open();
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const heads = streams.slice(firstId, firstId + targets.length).filter((stream) => stream.status === 200);
  // A stream that dropped while the others were still opening counts as a failure to hold it.
  for (const { dropped } of heads) if (dropped) failures.push(`dropped while opening: ${dropped.reason}`);
  const ids = targets.map((_, index) => firstId + index);
  const opened = heads.filter((stream) => !stream.dropped).length;
  return { ids, opened, failures, elapsedMs: performance.now() - started };
}

/** Resolves once the head is in (undefined) or the request failed (a description). */
function openOne(stream: Stream, { url, headers }: Omit<TargetOnThread, 'reportId'>, keepData: boolean) {
  return new Promise<string | undefined>((settle) => {
    const drop = (reason: string) => {
      if (stream.closing || stream.dropped) return;
      stream.dropped = { reason };
      settle(reason);
      stream.changed?.();
    };
    stream.request = http.get(url, { agent, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      stream.status = response.statusCode ?? 0;
      if (stream.status !== 200) {
        drop(`HTTP ${stream.status}`);
        response.resume();
        return;
      }
      settle(undefined);
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        // Events are timed by the chunk that completes them. A block ends at a blank line, in any line-break style.
        const receivedAt = callerNow();
        const blocks = (buffer + chunk).split(/\r\n\r\n|\n\n|\r\r/);
        buffer = blocks.pop() ?? '';
        for (const event of blocks.map(parseSseBlock)) {
          if (!event) continue;
          const sectionId = sectionIdOf(event.data);
          if (sectionId !== undefined) stream.sectionIds.add(sectionId);
          stream.events.push({ ...event, data: keepData ? event.data : '', receivedAt, sectionId });
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
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      delete stream.changed;
      if (error) reject(error);
      else resolve(stream.events);
    };
    const timer = setTimeout(() => finish(new Error(`SSE: no ${prefix} event within ${timeoutMs} ms`)), timeoutMs);
    stream.changed = () => {
      if (stream.events.some((event) => event.event.startsWith(prefix))) finish();
      else if (stream.dropped) finish(new Error(`SSE: ${stream.dropped.reason} before a ${prefix} event`));
    };
    stream.changed();
  });
}

export async function awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  const lacking = ({ reportId, status, dropped, sectionIds }: Stream) => {
    const last = reportId === undefined ? undefined : lastSectionOfReport[reportId];
    return status === 200 && !dropped && last !== undefined && !sectionIds.has(last);
  };
  for (;;) {
    const missing = streams.filter(lacking).length;
    if (missing === 0 || performance.now() >= deadline) return missing;
    await sleep(25);
  }
}

/** Ends the given streams (every one when none is named) from the client side and returns what they received. */
export function closeStreams(ids?: number[]): SseRecord[] {
  const closing = ids ? ids.map((id) => streams[id] as Stream) : streams;
  for (const stream of closing) {
    stream.closing = true;
    stream.request?.destroy();
  }
  return closing.map(({ reportId, status, events, dropped }) => ({ reportId, status, events, dropped }));
}

/** One block (WHATWG HTML §9.2.6): comments and `retry` are skipped; no data means nothing is dispatched. */
function parseSseBlock(block: string): SseEvent | undefined {
  let id = '';
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    // The field name, then the value after `:` and one optional space; a comment (`:…`) has an empty name.
    const [, field, value = ''] = /^([^:]*)(?:: ?(.*))?$/s.exec(line) ?? [];
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { id, event, data: data.join('\n') } : undefined;
}
