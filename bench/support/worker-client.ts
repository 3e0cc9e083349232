import type http from 'node:http';
import { startClientThread } from './client-thread.ts';
import { keepAliveAgent, timedPost } from './http-timing.ts';

/** Timed POSTs from a client thread (client-thread.ts says why), one keep-alive socket per server. */
export function startWorkerClient() {
  const thread = startClientThread();
  return {
    post: (url: URL, json: unknown, headers?: Record<string, string>) => thread.call('post', url.href, json, headers),
    close: thread.close,
  };
}

export type WorkerClient = ReturnType<typeof startWorkerClient>;

const agents = new Map<string, http.Agent>();

/** On the client thread: one timed POST on its server's socket. */
export function postKeptAlive(href: string, json: unknown, headers?: Record<string, string>) {
  const url = new URL(href);
  const agent = agents.get(url.origin) ?? keepAliveAgent();
  agents.set(url.origin, agent);
  return timedPost(url, json, agent, headers);
}
