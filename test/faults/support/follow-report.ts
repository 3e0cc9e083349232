/**
 * Follows a report's progress like a browser EventSource client, across reconnects: unlike
 * test/support/report-events-client.ts (which fails on the first error), a dropped connection is simply
 * reconnected by EventSource, which sends Last-Event-ID, and the events of every connection are kept in order.
 * `cutConnection()` breaks the current connection the way a network failure does (the body errors; an abort
 * would make EventSource give up), so tests can prove that a resume neither skips nor repeats an event.
 */
import { EventSource } from 'eventsource';
import type { Received } from '../../support/report-events-client.ts';

export interface Connection {
  /** The Last-Event-ID header EventSource sent (undefined on the first connection). */
  lastEventId: string | undefined;
  status?: number;
  /** Events received on this connection. */
  events: Received[];
}

export interface FollowedReport {
  /** Every event, in arrival order, over all connections. */
  events: Received[];
  connections: Connection[];
  /** Resolves with all events at job.completed or job.failed; rejects when EventSource gives up (non-200). */
  finished: Promise<Received[]>;
  /** Breaks the open connection like a network failure; EventSource reconnects after the server's retry hint. */
  cutConnection(): void;
  close(): void;
}

export function followReport(url: string, authorization: Record<string, string>): FollowedReport {
  const events: Received[] = [];
  const connections: Connection[] = [];
  let cut: (() => void) | undefined;
  let settle: { resolve: (events: Received[]) => void; reject: (error: Error) => void } | undefined;
  const finished = new Promise<Received[]>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Not every test awaits `finished` (e.g. one that fails earlier); an unhandled rejection would hide that failure.
  finished.catch(() => undefined);

  const source = new EventSource(url, {
    fetch: async (input, init) => {
      const headers = init.headers as Record<string, string>;
      const connection: Connection = { lastEventId: headers['Last-Event-ID'], events: [] };
      connections.push(connection);
      const response = await fetch(input, { ...init, headers: { ...headers, ...authorization } });
      connection.status = response.status;
      if (!response.body || response.status !== 200) return response;
      const upstream = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          cut = () => {
            // undici reports a connection lost mid-body as TypeError('terminated'); EventSource reconnects on it.
            controller.error(new TypeError('terminated'));
            upstream.cancel().catch(() => undefined);
          };
        },
        async pull(controller) {
          try {
            const { done, value } = await upstream.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: (reason) => upstream.cancel(reason),
      });
      return new Response(body, { status: response.status, headers: response.headers });
    },
  });

  let done = false;
  const onEvent = (message: MessageEvent<string>) => {
    if (done) return;
    const event: Received = { type: message.type, id: message.lastEventId, data: JSON.parse(message.data) };
    events.push(event);
    connections.at(-1)?.events.push(event);
    if (message.type !== 'section.completed') {
      done = true;
      source.close();
      settle?.resolve(events);
    }
  };
  for (const type of ['section.completed', 'job.completed', 'job.failed']) source.addEventListener(type, onEvent);
  source.addEventListener('error', (error) => {
    // A reconnect in progress is CONNECTING; CLOSED means EventSource gave up (e.g. a 500 on reconnect).
    if (source.readyState === EventSource.CLOSED && !done) {
      done = true;
      settle?.reject(new Error(`EventSource gave up: ${error.message ?? 'unknown'} (${error.code ?? 'no status'})`));
    }
  });

  return {
    events,
    connections,
    finished,
    cutConnection: () => cut?.(),
    close: () => {
      done = true;
      source.close();
    },
  };
}
