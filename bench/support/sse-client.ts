import { Worker } from 'node:worker_threads';
import type { SseEvent } from './sse-parse.ts';
import { fromEpochMs } from './thread-clock.ts';

export interface ReceivedSseEvent extends SseEvent {
  /** When the chunk that completed this event reached the client, on this thread's performance.now() clock. */
  receivedAt: number;
}

export type SseToWorker =
  | { type: 'open'; id: number; url: string; headers: Record<string, string> }
  | { type: 'close'; id: number };

/** Times are epoch milliseconds (performance.timeOrigin + now) on the worker; mapped back on this thread. */
export type SseToMain =
  | { type: 'head'; id: number; status: number; at: number }
  | { type: 'event'; id: number; event: ReceivedSseEvent }
  | { type: 'end'; id: number; at: number; error?: string };

export interface SseConnection {
  /** Response head received (performance.now() of this thread). */
  openedAt: number;
  /** Every event so far, in arrival order. */
  readonly events: readonly ReceivedSseEvent[];
  /** The first event (already received or still to come) that matches; rejects on timeout or end of stream. */
  waitFor(predicate: (event: ReceivedSseEvent) => boolean, timeoutMs: number): Promise<ReceivedSseEvent>;
  /** Ends the connection from the client side (the server notices and stops its loop). */
  close(): void;
}

export interface SseClient {
  /** Resolves once the response head is in; rejects unless it is a 200. */
  open(url: URL, headers?: Record<string, string>): Promise<SseConnection>;
  close(): Promise<void>;
}

interface ConnectionState {
  events: ReceivedSseEvent[];
  waiters: Set<{ predicate: (event: ReceivedSseEvent) => boolean; resolve: (event: ReceivedSseEvent) => void }>;
  ended?: string;
  onEnd: Set<(reason: string) => void>;
  onHead?: (status: number, at: number) => void;
}

/**
 * An EventSource-like reader on its own thread (same process, own event loop), like worker-client.ts: on the
 * servers' thread an event would be timed only when the server code next yields.
 */
export function startSseClient(): SseClient {
  const worker = new Worker(new URL('./sse-client-worker.ts', import.meta.url));
  const connections = new Map<number, ConnectionState>();
  let nextId = 0;

  const endAll = (reason: string) => {
    for (const state of connections.values()) finish(state, reason);
  };
  const finish = (state: ConnectionState, reason: string) => {
    if (state.ended !== undefined) return;
    state.ended = reason;
    for (const callback of state.onEnd) callback(reason);
  };
  worker.on('message', (message: SseToMain) => {
    const state = connections.get(message.id);
    if (!state) return;
    if (message.type === 'head') {
      state.onHead?.(message.status, fromEpochMs(message.at));
    } else if (message.type === 'event') {
      const event = { ...message.event, receivedAt: fromEpochMs(message.event.receivedAt) };
      state.events.push(event);
      for (const waiter of state.waiters) {
        if (waiter.predicate(event)) {
          state.waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    } else {
      finish(state, message.error ?? 'the stream ended');
    }
  });
  worker.on('error', (error) => endAll(String(error)));
  worker.on('exit', (code) => endAll(`the SSE client worker exited with code ${code}`));

  return {
    open: (url, headers = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const state: ConnectionState = { events: [], waiters: new Set(), onEnd: new Set() };
        connections.set(id, state);
        const close = () => {
          worker.postMessage({ type: 'close', id } satisfies SseToWorker);
          finish(state, 'closed by the client');
        };
        const failOpen = (reason: string) => reject(new Error(`SSE ${url.pathname}: ${reason}`));
        state.onEnd.add(failOpen);
        state.onHead = (status, at) => {
          state.onEnd.delete(failOpen);
          if (status !== 200) {
            close();
            failOpen(`HTTP ${status}`);
            return;
          }
          resolve({
            openedAt: at,
            events: state.events,
            close,
            waitFor: (predicate, timeoutMs) =>
              new Promise((resolveEvent, rejectEvent) => {
                const found = state.events.find(predicate);
                if (found) return resolveEvent(found);
                if (state.ended !== undefined) return rejectEvent(new Error(`SSE: ${state.ended}`));
                const timer = setTimeout(() => {
                  state.waiters.delete(waiter);
                  state.onEnd.delete(onEnd);
                  rejectEvent(new Error(`SSE: no matching event within ${timeoutMs} ms`));
                }, timeoutMs);
                const waiter = {
                  predicate,
                  resolve: (event: ReceivedSseEvent) => {
                    clearTimeout(timer);
                    state.onEnd.delete(onEnd);
                    resolveEvent(event);
                  },
                };
                const onEnd = (reason: string) => {
                  clearTimeout(timer);
                  state.waiters.delete(waiter);
                  rejectEvent(new Error(`SSE: ${reason} before a matching event`));
                };
                state.waiters.add(waiter);
                state.onEnd.add(onEnd);
              }),
          });
        };
        worker.postMessage({ type: 'open', id, url: url.href, headers } satisfies SseToWorker);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
