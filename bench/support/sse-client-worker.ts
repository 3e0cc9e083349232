/**
 * Worker-thread entry of the benchmark SSE client (see sse-client.ts): raw node:http GETs whose body is split
 * into Server-Sent Events as bytes arrive, on this thread's own event loop, so an event is timed when it
 * reaches the socket and not when the servers' thread next yields.
 */
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import type { SseToMain, SseToWorker } from './sse-client.ts';
import { createSseBlockReader } from './sse-parse.ts';
import { epochNow } from './thread-clock.ts';

const port = parentPort;
if (!port) throw new Error('sse-client-worker.ts must run in a worker thread');
const requests = new Map<number, http.ClientRequest>();
const send = (message: SseToMain) => port.postMessage(message);

port.on('message', (message: SseToWorker) => {
  if (message.type === 'close') {
    requests.get(message.id)?.destroy();
    requests.delete(message.id);
    return;
  }
  const { id } = message;
  let ended = false;
  const end = (error?: string) => {
    if (ended) return;
    ended = true;
    requests.delete(id);
    send({ type: 'end', id, at: epochNow(), ...(error ? { error } : {}) });
  };
  const request = http.get(
    message.url,
    { agent: false, headers: { accept: 'text/event-stream', ...message.headers } },
    (response) => {
      send({ type: 'head', id, status: response.statusCode ?? 0, at: epochNow() });
      response.setEncoding('utf8');
      const eventsCompletedBy = createSseBlockReader();
      response.on('data', (chunk: string) => {
        const receivedAt = epochNow();
        for (const event of eventsCompletedBy(chunk)) send({ type: 'event', id, event: { ...event, receivedAt } });
      });
      response.on('end', () => end());
      response.on('close', () => end());
      response.on('error', (error) => end(String(error)));
    },
  );
  request.on('error', (error) => end(String(error)));
  requests.set(id, request);
});
