/**
 * Worker-thread entry of the benchmark HTTP client (see worker-client.ts): it owns its own event loop, so the
 * first body chunk is timed when it reaches the socket, not when the servers' thread next yields.
 */
import type http from 'node:http';
import { parentPort } from 'node:worker_threads';
import { keepAliveAgent, timedPost } from './http-timing.ts';
import type { ClientReply, ClientRequest } from './worker-client.ts';

const port = parentPort;
if (!port) throw new Error('http-client-worker.ts must run in a worker thread');
const agents = new Map<string, http.Agent>();

port.on('message', (message: ClientRequest) => {
  const url = new URL(message.url);
  let agent = agents.get(url.origin);
  if (!agent) {
    agent = keepAliveAgent();
    agents.set(url.origin, agent);
  }
  // Epoch-based times, so the main thread can map them onto its own performance.now() clock.
  const epoch = (time: number) => performance.timeOrigin + time;
  timedPost(url, message.json, { agent, ...(message.headers ? { headers: message.headers } : {}) }).then(
    (response) => {
      const reply: ClientReply = {
        id: message.id,
        ok: true,
        response: {
          ...response,
          sentAt: epoch(response.sentAt),
          firstByteAt: epoch(response.firstByteAt),
          endAt: epoch(response.endAt),
        },
      };
      port.postMessage(reply);
    },
    (error: unknown) => {
      const reply: ClientReply = { id: message.id, ok: false, error: String(error) };
      port.postMessage(reply);
    },
  );
});
