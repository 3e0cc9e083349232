/**
 * Worker-thread entry of the SSE load client (see sse-load-client.ts): hundreds of raw node:http GETs whose
 * bodies are split into Server-Sent Events as bytes arrive. Events are timed when their chunk reaches this
 * thread and kept here until the benchmark closes the connections.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  SseLoadConnection,
  SseLoadEvent,
  SseLoadRequest,
  SseLoadResult,
  SseLoadResults,
  SseOpenResult,
} from './sse-load-client.ts';
import { createSseBlockReader } from './sse-parse.ts';
import { epochNow } from './thread-clock.ts';
import { answerRequests } from './worker-rpc.ts';

/**
 * No pooling limit and no keep-alive: every stream gets a socket of its own, as 500 browsers would. (Node's
 * global agent has no socket limit either, but fetch's undici pool and many client libraries do; being
 * explicit keeps the client from ever queueing connections behind each other.)
 */
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

interface Connection {
  record: SseLoadConnection;
  request?: http.ClientRequest;
  sections: Set<string>;
}

const connections: Connection[] = [];
let closing = false;

answerRequests<SseLoadRequest, SseLoadResult>((request) => {
  if (request.type === 'open') return openAll(request.targets, request.concurrency);
  if (request.type === 'await') return awaitSections(request.lastSectionOfReport, request.timeoutMs);
  return closeAll();
});

async function openAll(
  targets: Array<{ url: string; reportId: string; headers: Record<string, string> }>,
  concurrency: number,
): Promise<SseOpenResult> {
  const started = performance.now();
  const failures: string[] = [];
  let opened = 0;
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < targets.length; index = next++) {
      const target = targets[index];
      if (!target) continue;
      const failure = await openOne(target.url, target.reportId, target.headers);
      if (failure) failures.push(failure);
      else opened++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, lane));
  // A stream that dropped while the others were still opening counts as a failure to hold it.
  for (const connection of connections) {
    if (connection.record.status === 200 && connection.record.dropped) {
      opened--;
      failures.push(`dropped while opening: ${connection.record.dropped.reason}`);
    }
  }
  return { opened, failures, elapsedMs: performance.now() - started };
}

/** Resolves once the head is in (undefined) or the request failed (a description). */
function openOne(url: string, reportId: string, headers: Record<string, string>): Promise<string | undefined> {
  const record: SseLoadConnection = { reportId, status: 0, events: [] };
  const connection: Connection = { record, sections: new Set() };
  connections.push(connection);
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let settled = false;
    const settle = (failure?: string) => {
      if (settled) return;
      settled = true;
      resolve(failure);
    };
    const drop = (reason: string) => {
      if (closing || record.dropped) return;
      record.dropped = { at: epochNow(), reason };
      settle(reason);
    };
    const request = http.get(url, { agent, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      record.status = response.statusCode ?? 0;
      record.openMs = performance.now() - sentAt;
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
        for (const parsed of eventsCompletedBy(chunk)) {
          const event: SseLoadEvent = { eventId: parsed.id, event: parsed.event, receivedAt };
          const sectionId = sectionIdOf(parsed.data);
          if (sectionId !== undefined) {
            event.sectionId = sectionId;
            connection.sections.add(sectionId);
          }
          record.events.push(event);
        }
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

async function awaitSections(lastSectionOfReport: Record<string, string>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const missing = () =>
    connections.filter((connection) => {
      const { record } = connection;
      const target = lastSectionOfReport[record.reportId];
      return record.status === 200 && !record.dropped && target !== undefined && !connection.sections.has(target);
    }).length;
  for (;;) {
    const count = missing();
    if (count === 0 || performance.now() >= deadline) return count;
    await sleep(25);
  }
}

/** Ends every stream from the client side (a drop from now on is the benchmark's doing, not a failure). */
function closeAll(): SseLoadResults['close'] {
  closing = true;
  for (const connection of connections) connection.request?.destroy();
  return { closedAt: epochNow(), connections: connections.map((connection) => connection.record) };
}
