import { EventSource } from 'eventsource';

export interface Received {
  type: string;
  id: string;
  data: Record<string, unknown>;
}

/**
 * Opens an EventSource (the API key travels in a header through its `fetch` option) and collects events
 * until a terminal one, or until `stopAfter` events. Closing is the client's part: a closed connection is
 * otherwise reconnected by EventSource.
 */
export interface CollectOptions {
  lastEventId?: string;
  stopAfter?: number;
}

export function collectReportEvents(
  url: string,
  authorization: Record<string, string>,
  { lastEventId, stopAfter = Number.POSITIVE_INFINITY }: CollectOptions = {},
): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const received: Received[] = [];
    const source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init.headers, ...authorization, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
        }),
    });
    let done = false;
    const onEvent = (message: MessageEvent<string>) => {
      // Events parsed from the same chunk are still dispatched after close().
      if (done) return;
      received.push({ type: message.type, id: message.lastEventId, data: JSON.parse(message.data) });
      if (message.type !== 'section.completed' || received.length >= stopAfter) {
        done = true;
        source.close();
        resolve(received);
      }
    };
    for (const type of ['section.completed', 'job.completed', 'job.failed']) source.addEventListener(type, onEvent);
    source.addEventListener('error', (error) => {
      source.close();
      reject(new Error(`EventSource failed: ${error.message ?? 'unknown'} (${error.code ?? 'no status'})`));
    });
  });
}
