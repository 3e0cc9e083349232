import { startClientThread } from './client-thread.ts';

/** Timed POSTs from a client thread (client-thread.ts says why), one keep-alive socket per server. */
export function startWorkerClient() {
  const thread = startClientThread();
  return {
    post: (url: URL, json: unknown, headers?: Record<string, string>) => thread.call('post', url.href, json, headers),
    close: thread.close,
  };
}

export type WorkerClient = ReturnType<typeof startWorkerClient>;
