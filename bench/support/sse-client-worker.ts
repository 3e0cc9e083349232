/**
 * Worker-thread entry of the benchmark SSE client (see sse-client.ts): raw node:http GETs whose bodies are split
 * into Server-Sent Events as bytes arrive. Events are timed when their chunk reaches this thread and kept here
 * until the caller asks for them.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReceivedSseEvent, SseOpenResult, SseRecord, SseRequest, SseResults } from './sse-client.ts';
import { createSseBlockReader } from './sse-parse.ts';
import { epochNow } from './thread-clock.ts';
import { answerRequests } from './worker-rpc.ts';

/**
 * No pooling limit and no keep-alive: every stream gets a socket of its own, as browsers would. (Node's global
 * agent has no socket limit either, but fetch's undici pool and many client libraries do; being explicit keeps
 * the client from ever queueing connections behind each other.)
 */
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

interface Connection {
  record: SseRecord;
  request?: http.ClientRequest;
  sections: Set<string>;
  /** Closed by the caller: an end from now on is not a drop. */
  closing: boolean;
  /** Called after every event and at the end, while a wait is pending. */
  changed?: () => void;
}

const connections: Connection[] = [];

answerRequests<SseRequest, SseResults[keyof SseResults]>((request) => {
  if (request.type === 'open') return openAll(request.targets, request.concurrency, request.keepData);
  if (request.type === 'wait') return waitFor(request.id, request.prefix, request.timeoutMs);
  if (request.type === 'await') return awaitSections(request.lastSectionOfReport, request.timeoutMs);
  return close(request.ids);
});

async function openAll(
  targets: Array<{ url: string; headers: Record<string, string>; reportId?: string }>,
  concurrency: number,
  keepData: boolean,
): Promise<SseOpenResult> {
  const started = performance.now();
  const ids = targets.map((target) => {
    const record: SseRecord = { status: 0, events: [], ...(target.reportId ? { reportId: target.reportId } : {}) };
    return connections.push({ record, sections: new Set(), closing: false }) - 1;
  });
  const failures: string[] = [];
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < targets.length; index = next++) {
      const target = targets[index];
      const id = ids[index];
      if (!target || id === undefined) continue;
      const failure = await openOne(id, target.url, target.headers, keepData);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, lane));
  let opened = 0;
  for (const id of ids) {
    const { record } = connections[id] as Connection;
    if (record.status !== 200) continue;
    // A stream that dropped while the others were still opening counts as a failure to hold it.
    if (record.dropped) failures.push(`dropped while opening: ${record.dropped.reason}`);
    else opened++;
  }
  return { ids, opened, failures, elapsedMs: performance.now() - started };
}

/** Resolves once the head is in (undefined) or the request failed (a description). */
function openOne(id: number, url: string, headers: Record<string, string>, keepData: boolean) {
  const connection = connections[id] as Connection;
  const { record } = connection;
  return new Promise<string | undefined>((resolve) => {
    let settled = false;
    const settle = (failure?: string) => {
      if (settled) return;
      settled = true;
      resolve(failure);
    };
    const drop = (reason: string) => {
      if (connection.closing || record.dropped) return;
      record.dropped = { at: epochNow(), reason };
      settle(reason);
      connection.changed?.();
    };
    const request = http.get(url, { agent, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      record.status = response.statusCode ?? 0;
      if (record.status !== 200) {
        drop(`HTTP ${record.status}`);
        response.resume();
        return;
      }
      settle();
      response.setEncoding('utf8');
      const eventsCompletedBy = createSseBlockReader();
      response.on('data', (chunk: string) => {
        const receivedAt = epochNow();
        for (const { id: eventId, event: type, data } of eventsCompletedBy(chunk)) {
          const event: ReceivedSseEvent = { id: eventId, event: type, data: keepData ? data : '', receivedAt };
          const sectionId = sectionIdOf(data);
          if (sectionId !== undefined) {
            event.sectionId = sectionId;
            connection.sections.add(sectionId);
          }
          record.events.push(event);
        }
        connection.changed?.();
      });
      response.on('end', () => drop('the stream ended'));
      response.on('close', () => drop('the stream closed'));
      response.on('error', (error) => drop(String(error)));
    });
    request.on('error', (error) => drop(String(error)));
    connection.request = request;
  });
}

function sectionIdOf(data: string): string | undefined {
  try {
    const sectionId = (JSON.parse(data) as { sectionId?: unknown }).sectionId;
    return typeof sectionId === 'string' ? sectionId : undefined;
  } catch {
    return undefined;
  }
}

/** Every event so far, once one whose type starts with `prefix` has arrived. */
function waitFor(id: number, prefix: string, timeoutMs: number): Promise<ReceivedSseEvent[]> {
  const connection = connections[id] as Connection;
  const { record } = connection;
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      delete connection.changed;
      if (error) reject(error);
      else resolve(record.events);
    };
    const timer = setTimeout(() => finish(new Error(`SSE: no ${prefix} event within ${timeoutMs} ms`)), timeoutMs);
    connection.changed = () => {
      if (record.events.some((event) => event.event.startsWith(prefix))) finish();
      else if (record.dropped) finish(new Error(`SSE: ${record.dropped.reason} before a ${prefix} event`));
    };
    connection.changed();
  });
}

async function awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const missing = () =>
    connections.filter(({ record, sections }) => {
      const target = record.reportId === undefined ? undefined : lastSectionOfReport[record.reportId];
      return record.status === 200 && !record.dropped && target !== undefined && !sections.has(target);
    }).length;
  for (;;) {
    const count = missing();
    if (count === 0 || performance.now() >= deadline) return count;
    await sleep(25);
  }
}

/** Ends the given streams (every one when none is named) from the client side and returns what they received. */
function close(ids?: number[]): SseResults['close'] {
  const closing = ids ? ids.map((id) => connections[id] as Connection) : connections;
  for (const connection of closing) {
    connection.closing = true;
    connection.request?.destroy();
  }
  return { closedAt: epochNow(), connections: closing.map((connection) => connection.record) };
}
