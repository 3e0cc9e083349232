/**
 * Worker-thread entry of the benchmark SSE client (see sse-client.ts): raw node:http GETs whose body is split
 * into Server-Sent Events as bytes arrive, on this thread's own event loop, so an event is timed when it
 * reaches the socket and not when the servers' thread next yields.
 */
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import type { SseToMain, SseToWorker } from './sse-client.ts';
import { parseSseBlock, sseBlockEnd } from './sse-parse.ts';

const port = parentPort;
if (!port) throw new Error('sse-client-worker.ts must run in a worker thread');
const requests = new Map<number, http.ClientRequest>();
// Epoch-based times, so the main thread can map them onto its own performance.now() clock.
const now = () => performance.timeOrigin + performance.now();
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
    send({ type: 'end', id, at: now(), ...(error ? { error } : {}) });
  };
  const request = http.get(
    message.url,
    { agent: false, headers: { accept: 'text/event-stream', ...message.headers } },
    (response) => {
      send({ type: 'head', id, status: response.statusCode ?? 0, at: now() });
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        for (let match = sseBlockEnd.exec(buffer); match; match = sseBlockEnd.exec(buffer)) {
          const block = buffer.slice(0, match.index);
          buffer = buffer.slice(match.index + match[0].length);
          const event = parseSseBlock(block);
          if (event) send({ type: 'event', id, event: { ...event, receivedAt: at } });
        }
      });
      response.on('end', () => end());
      response.on('close', () => end());
      response.on('error', (error) => end(String(error)));
    },
  );
  request.on('error', (error) => end(String(error)));
  requests.set(id, request);
});
